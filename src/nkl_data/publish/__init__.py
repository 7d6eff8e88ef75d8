"""The static site of the data package: ``nkl-data site OUTDIR``.

Rows flow one way: the loaded frames -> ``view`` (how a value is shown, labelled and linked) ->
``charts`` and ``worldmap`` (SVG drawn as text) -> pages -> files. Nothing here reads a CSV itself
or re-derives a type: it starts from ``loading.load_all``.
"""
