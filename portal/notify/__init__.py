"""通知: alerts for new or changed measures and saved deadlines, delivered to the inbox, by e-mail
digest and by Web Push; the private calendar feed; `portal notify`."""
