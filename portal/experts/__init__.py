"""専門家派遣依頼 (issue 17): requests, the agency inbox, reminders and the 職員 figures."""
