// SluiceSQL placeholder; replaced as the module is built.
