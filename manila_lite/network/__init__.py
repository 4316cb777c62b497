"""Network plugins: where share servers get their addresses."""
