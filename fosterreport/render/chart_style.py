"""The charts' colours and shapes, shared by the SVG the HTML and PDF carry
(:mod:`fosterreport.render.svg_charts`) and the PNG Word takes (:mod:`fosterreport.render.charts`).

Each has at least 4.5:1 contrast against white (text and bar edges), so bars and their
labels are readable; series are told apart by pattern and label as well.
"""

INK = "#0b0c0c"
BLUE = "#1d70b8"
GREEN = "#00703c"
RED = "#b3261e"
GREY = "#505a5f"
GRID = "#dddddd"

#: The regional funnel comparison's panels to a row (a council a panel).
FUNNEL_COLUMNS = 3
