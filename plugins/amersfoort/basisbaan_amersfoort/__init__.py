"""Municipality plugin for Amersfoort (GM0307): research stage after the council motion."""
