"""職員 editing with history and review (product.md feature 13): the `/staff/` home, drafts apart
from the live version, a revision per save, diffs, revert, submit → approve / return, roles
(編集者, 公開者), scheduled publishing and the major/minor flag."""
