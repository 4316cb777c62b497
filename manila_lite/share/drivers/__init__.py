"""Share drivers, loaded by the manila_lite.share.drivers stevedore alias."""
