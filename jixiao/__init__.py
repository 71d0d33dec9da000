"""What every stage shares and none owns: the catalog of reason and finding codes
(catalog.py) and the one settings object (settings.py)."""
