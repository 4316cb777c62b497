"""Console entry points: the daemons and manila-lite-manage."""
