"""Municipality plugin for Tilburg (GM0855): a pilot of five basisbanen through Diamant-groep."""
