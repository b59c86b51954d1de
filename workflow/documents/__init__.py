"""Official documents: wording templates per definition (Jinja2 text under ``templates/documents/``)
and their PDF layout in the ministry's letter style (reportlab).

Edge code, not core: ``pdf`` imports reportlab. ``settings`` is pure and read at start."""
