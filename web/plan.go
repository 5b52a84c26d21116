package web

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"regexp"
)

// PlanPath is where the plan's text is served, one anchor per line (#L928),
// so a feature's plan_line links to the words it was drawn from.
const PlanPath = "/plan"

// heading matches the plan's chapter, section and column titles.
var heading = regexp.MustCompile(`^(第[一二三四五六七八九十百]+[章节篇]|专栏\d+|#)`)

// planPage renders the plan's text as HTML: every line a paragraph with its
// number, headings set apart. The text is escaped; nothing else is added.
func planPage(text []byte, title string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">`+
		`<meta name="viewport" content="width=device-width, initial-scale=1"><title>%s</title><style>`+
		`body{font:15px/1.7 "Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;max-width:46em;margin:0 auto;padding:1em;color:#222}`+
		`p{margin:.2em 0;display:grid;grid-template-columns:3.5em 1fr;gap:.8em}a.n{color:#999;text-align:right;font-size:12px;text-decoration:none}`+
		`p.h{font-weight:700;margin-top:1em}p:target{background:#fff3c4}</style></head><body>`+
		`<p><a class="n" href="/">←</a><span><a href="/">planmap</a></span></p>`, html.EscapeString(title))
	for i, line := range bytes.Split(text, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		cls := ""
		if heading.Match(line) {
			cls = ` class="h"`
		}
		fmt.Fprintf(&b, `<p id="L%d"%s><a class="n" href="#L%d">%d</a><span>%s</span></p>`+"\n",
			i+1, cls, i+1, i+1, html.EscapeString(string(bytes.TrimLeft(line, "# "))))
	}
	b.WriteString("</body></html>\n")
	return b.Bytes()
}

// planRoute serves the plan's text when the server was given it.
func (s *Server) planRoute() {
	if s.opts.PlanText == nil {
		return
	}
	a := newAsset(planPage(s.opts.PlanText, "武汉市“十四五”规划和2035年远景目标纲要 · planmap"), staticTypes[".html"], "no-cache")
	s.router.Handle(PlanPath, s.noBody(a)).Methods(http.MethodGet, http.MethodHead)
}
