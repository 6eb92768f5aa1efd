"""Work-health economics (issue 10, API.md "Work-health economics"): the work-health matrix a
customer's management scores its year by, and the euros the cooperation is worth.

``scoring`` holds the matrix arithmetic (pure functions), ``models`` the matrices, ``services``
their writes, ``selectors`` their reads, ``retirement`` the early-retirement fee estimate."""
