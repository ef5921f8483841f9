"""The domain of csapp: storage, banks, practice, exams, cases. No Qt below this package."""
