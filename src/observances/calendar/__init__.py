"""Published as a calendar: occurrences as iCalendar events, and the named feed set."""
