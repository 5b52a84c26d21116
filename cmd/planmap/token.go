package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"planmap/geo"
)

// token manages the bearer tokens planners edit with: create shows a new
// token once (the database keeps only its hash), list shows them without
// secrets, revoke ends one at once.
func token(args []string, stdout io.Writer) error {
	usage := "usage: planmap token create --name NAME --role viewer|editor|admin [--layers a,b] [--expires 720h]\n" +
		"       planmap token list\n       planmap token revoke ID"
	if len(args) == 0 {
		return errors.New(usage)
	}
	sub, args := args[0], args[1:]
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		args = append(args[1:], args[0]) // revoke ID --flags: the id after the flags, as flag wants
	}
	fs := flag.NewFlagSet("token "+sub, flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), usage); fs.PrintDefaults() }
	var db dbFlags
	db.register(fs)
	name := fs.String("name", "", "who holds the token: the author of their changes in the trail")
	role := fs.String("role", "", "viewer (reads), editor (edits the layers given) or admin (edits every layer)")
	layers := fs.String("layers", "", "comma-separated layers an editor may edit")
	expires := fs.Duration("expires", 0, "lifetime, e.g. 720h; 0: until revoked")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	s, err := db.open(ctx, false)
	if err != nil {
		return err
	}
	defer s.Close()
	switch sub {
	case "create":
		var ls []string
		if *layers != "" {
			ls = strings.Split(*layers, ",")
		}
		if err := checkToken(*name, *role, ls, *expires); err != nil {
			return err
		}
		if len(ls) > 0 {
			known, err := s.Layers(ctx)
			if err != nil {
				return err
			}
			for _, l := range ls {
				if !hasLayer(known, l) {
					return fmt.Errorf("--layers: the database has no layer %q", l)
				}
			}
		}
		var until time.Time
		if *expires > 0 {
			until = time.Now().Add(*expires)
		}
		t, secret, err := s.CreateToken(ctx, *name, *role, ls, until)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "token %s for %s (%s): %s\nit is shown this once; send it as Authorization: Bearer <token>\n", t.ID, t.Name, t.Role, secret)
	case "list":
		ts, err := s.Tokens(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "id\tname\trole\tlayers\tcreated\texpires\tstate")
		for _, t := range ts {
			state, exp := "live", "never"
			if t.Expires != nil {
				exp = t.Expires.UTC().Format(time.RFC3339)
				if t.Expires.Before(time.Now()) {
					state = "expired"
				}
			}
			if t.Revoked != nil {
				state = "revoked " + t.Revoked.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, strings.Join(t.Layers, ","),
				t.Created.UTC().Format(time.RFC3339), exp, state)
		}
		return tw.Flush()
	case "revoke":
		if fs.NArg() != 1 {
			return errors.New(usage)
		}
		if err := s.RevokeToken(ctx, fs.Arg(0)); errors.Is(err, geo.ErrNotFound) {
			return fmt.Errorf("no live token %q", fs.Arg(0))
		} else if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "token %s revoked\n", fs.Arg(0))
	default:
		return errors.New(usage)
	}
	return nil
}

func checkToken(name, role string, layers []string, expires time.Duration) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("--name is needed: it names the author of the token's changes")
	case role != geo.RoleViewer && role != geo.RoleEditor && role != geo.RoleAdmin:
		return fmt.Errorf("--role must be viewer, editor or admin, got %q", role)
	case role == geo.RoleEditor && len(layers) == 0:
		return errors.New("an editor needs --layers, the layers it may edit")
	case role != geo.RoleEditor && len(layers) > 0:
		return errors.New("--layers is for editors; an admin edits every layer, a viewer none")
	case expires < 0:
		return errors.New("--expires must not be negative")
	}
	return nil
}

func hasLayer(ls []geo.Layer, id string) bool {
	for _, l := range ls {
		if l.ID == id {
			return true
		}
	}
	return false
}
