"""How the book reaches its readers: the plotly renderer and the Sphinx extension.

What it covers
--------------
- ``render``: the plotly renderer whose output draws in live Jupyter *and* in the offline
  HTML book (a figure's div with no plotly.js, no MathJax, no CDN). ``lstm_edu.viz`` registers
  it when imported, so any notebook that builds a figure with ``lstm_edu.viz`` gets it.
- ``sphinxext``: the Sphinx extension named in ``_config.yml`` (``lstm_edu.book.sphinxext``):
  plotly.js, MathJax and the book's CSS and JavaScript served from ``_static``, a clean console.
- ``static/``: those CSS and JavaScript files, as real files.

What it does not cover: the figures themselves (``lstm_edu.viz``).
"""
