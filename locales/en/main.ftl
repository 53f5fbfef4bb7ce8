app-title = Our Voice
app-tagline = Tell your commune, district or province how their services work for you — and get an answer.
sync-all-sent = All sent
sync-waiting = { $count ->
    [one] Offline — 1 waiting to send
   *[other] Offline — { $count } waiting to send
}
error-storage = This phone could not open its storage. Your feedback is safe; please restart the app.
