"""Municipality plugin for Groningen (GM0014): the basisbaan as it grew from the 2020 experiment."""
