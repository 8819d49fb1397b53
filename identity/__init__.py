"""Identity: whether two strings name the same human.

The one place Haven reads names. Casework search, the import preview, the duplicate list
and the consent gate of every public output all fold names with `identity.folding` and
compare them with `identity.matching`; nothing else folds names. Pure Python, no models:
`casework` (which stores the folded keys) imports it, never the other way round.
"""
