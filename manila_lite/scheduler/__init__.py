"""The scheduler: picks the ``host@backend#pool`` that receives each share.

Share services report their backends' capabilities; the host manager
keeps them as pool states, runs the configured filters and weighers over
them for every request, and accounts the chosen pool's space locally
until the backend's next report.
"""
