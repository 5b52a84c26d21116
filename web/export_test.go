package web

// SetDownloadPage sets how many features each store query of a download or
// of the statistics asks for, so that a test can make them page; it returns
// a function that restores the default.
func SetDownloadPage(n int) func() {
	old := downloadPage
	downloadPage = n
	return func() { downloadPage = old }
}

// SetMaxDownload sets the most features a download holds; it returns a
// function that restores the default.
func SetMaxDownload(n int) func() {
	old := maxDownload
	maxDownload = n
	return func() { maxDownload = old }
}
