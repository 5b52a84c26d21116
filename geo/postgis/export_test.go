package postgis

// SetLoadHook lets tests fail a load after a given stage.
func SetLoadHook(h func(stage string) error) { loadHook = h }
