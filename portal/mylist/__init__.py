"""マイリスト / MY事例集: saved measures, cases and named searches of a logged-in user."""
