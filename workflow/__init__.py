"""p2ham workflow engine.

Layering rule: the *core* of this package (``errors``, ``spec``, ``yamlsrc``, ``loader`` and its
section readers ``loader_fields``, ``loader_lifecycle``, ``loader_catalogue``,
``validate``, ``machine``, ``registry``, ``deadlines``, ``scoring``, ``diagram``, ``firing``,
``evidence``, ``layout`` and its parts ``layout_text``, ``layout_grid``, ``lifecycle_svg``, ``bpmn``,
``defdiff``, ``defedit`` and its parts ``defedit_checks``, ``defedit_yaml``, ``migration``,
``year_copy``) is pure Python. It imports no Flask, SQLAlchemy, RQ or reportlab, so a reader can
follow a case's life from ``definitions/*.yaml`` and these modules alone
(``tests/workflow/test_purity.py`` keeps it so).

At the edge, in clearly named sub-packages and modules:
- ``workflow.store``: the SQLAlchemy 2.x models and the unit of work (SQL is the source of truth);
- ``workflow.services``: one use case = one function = one transaction;
- ``workflow.files``: uploaded files (content checks with pypdf and Pillow, content-addressed storage);
- ``workflow.cli``, ``workflow.bench``, ``workflow.demo``, ``workflow.config``: the command line.
"""

CORE_MODULES = (
    "workflow.errors",
    "workflow.spec",
    "workflow.yamlsrc",
    "workflow.loader",
    "workflow.loader_fields",
    "workflow.loader_lifecycle",
    "workflow.loader_catalogue",
    "workflow.validate",
    "workflow.machine",
    "workflow.registry",
    "workflow.deadlines",
    "workflow.scoring",
    "workflow.diagram",
    "workflow.firing",
    "workflow.evidence",
    "workflow.layout",
    "workflow.layout_text",
    "workflow.layout_grid",
    "workflow.lifecycle_svg",
    "workflow.bpmn",
    "workflow.defdiff",
    "workflow.defedit",
    "workflow.defedit_checks",
    "workflow.defedit_yaml",
    "workflow.migration",
    "workflow.year_copy",
)
