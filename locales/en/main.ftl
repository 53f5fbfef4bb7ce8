## Our Voice — English

app-title = Our Voice
app-tagline = Tell your commune, district or province how their services work for you — and get an answer.

## Languages (each shown in its own language)
lang-km = ខ្មែរ
lang-en = English

## First run
welcome-choose-language = Choose your language
welcome-continue = Continue
privacy-title = Your privacy
privacy-intro = Our Voice is free. You decide whether the office may know who you are.
privacy-anonymous-title = Anonymous (the usual choice)
privacy-anonymous-body = Your name and phone number are not asked and not stored anywhere. The office sees only what you write.
privacy-confidential-title = Confidential
privacy-confidential-body = You give your name and phone number so that the office can contact you. Only the office that handles your feedback can see them.
privacy-phone-title = On this phone
privacy-phone-body = What you send is kept on this phone until it has been sent, with a tracking code. You can delete the phone's copy in Settings.
privacy-office-title = At the office
privacy-office-body = Your feedback, with any photos and voice message, goes to the office that must answer. Photos are sent without their location or the phone's details. Statistics for the Ministry never show your words or who you are.
privacy-public-title = What anyone can see
privacy-public-body = For each feedback, anyone can see the office, the place, the kind of service, the dates and how far it has got (the status). Never who you are, never your name or phone number. What you wrote, your photos and the office's answers are shown only if you choose it for that feedback (your voice message never is), and never for a complaint about office staff, confidential feedback or an evaluation.
privacy-accept = I understand

## Home
home-question = What would you like to do?
kind-complaint = Make a complaint
kind-complaint-hint = Something went wrong at a public office.
kind-support = Seek support
kind-support-hint = Ask the office to help you with a problem.
kind-information = Ask for information
kind-information-hint = Fees, documents, opening hours, procedures.
kind-evaluation = Evaluate a service
kind-evaluation-hint = Rate a visit: speed, staff, fees, information, access.
home-my-feedback = My feedback
home-unread = { $count } with a new reply
feedback-new-reply = New reply
error-storage-seen = This phone could not note that you have read this. Nothing was lost.
home-settings = Settings

## Sync line
sync-all-sent = All sent
sync-nothing-yet = Nothing sent yet
sync-send-now = Send now
sync-waiting = { $count } waiting to send
sync-offline-waiting = Offline — { $count } waiting to send
sync-sending = Sending { $done } of { $total }…
sync-server-busy = The server is busy — { $count } waiting, trying again soon
sync-update-needed = Please update the app to send — { $count } waiting
sync-storage-problem = This phone's storage has a problem

## Navigation
nav-back = Back
nav-quick-exit = Leave this screen
nav-home = Home

## Place picker
place-title = Where was it?
place-how = How to find the place
place-mode-search = Search
place-mode-list = Choose from a list
place-search-label = Search a commune, district, province or office
place-search-placeholder = e.g. Takeo, ចំការមន, OWSO
place-recent = Used before
place-no-results = No place found. Check the spelling, or choose from a list.
place-more = Show more places
place-crumbs = Where you are in the list
place-all-provinces = All provinces
place-provinces = Choose the province or the capital
place-districts = Choose the district
place-communes = Choose the commune or sangkat
place-offices = Offices for all of { $place }
place-tag-commune-hall = Commune hall
place-tag-sangkat-hall = Sangkat hall
place-tag-one-window = One Window
place-tag-citizens-office = Citizens' office
place-tag-recent = Used before

## Form
form-title-complaint = Complaint
form-title-support = Request for support
form-title-information = Request for information
form-title-evaluation = Evaluation
form-place = Place or office
form-change-place = Change
form-category = Which service?
form-description-complaint = What happened?
form-description-support = What do you need help with?
form-description-information = What would you like to know?
form-description-evaluation = Anything to add? (optional)
form-characters = { $count } / { $max } characters
form-incident-date = Date of the visit (optional)
form-day = Day
form-month = Month
form-year = Year
form-overall = Overall, how was the service?
criterion-speed = Speed
criterion-staff_attitude = Staff attitude
criterion-fees_as_posted = Fees as posted
criterion-clarity_of_information = Clear information
criterion-facilities_and_access = Facilities and access
rating-1 = Very bad
rating-2 = Bad
rating-3 = Fair
rating-4 = Good
rating-5 = Very good
rating-stars = { $stars } of 5 stars
form-extra-payment = Were you asked to pay more than the posted fee?
answer-yes = Yes
answer-no = No
form-about-staff = This is about the office's own staff (it will go to the citizens' office above it)
form-privacy = Who may know it was you?
privacy-choice-anonymous = Anonymous
privacy-choice-anonymous-hint = No name, no phone number.
privacy-choice-confidential = Confidential
privacy-choice-confidential-hint = Only the office handling it sees your name and phone number.
form-name = Your name
form-phone = Your phone number
form-public-title = What anyone can see
form-public-always = Anyone can see the office, the place, the kind of service, the dates and how far it has got. Never who you are, never your name or phone number.
form-public-choice = Let everyone read what I wrote and see my photos, with the office's answers (for example about a broken road)
form-public-choice-hint = If you choose this, do not write your name or anything that shows who you are.
form-public-private = Only the offices that handle it read what you write.
form-about-you = About you (optional)
form-about-you-why = We ask only to make public services fairer for women and for people with disabilities. Statistics never show who you are.
form-gender = Gender
gender-female = Woman
gender-male = Man
gender-other = Other
gender-prefer_not_to_say = Prefer not to say
form-age = Age
age-under_18 = Under 18
age-18_24 = 18–24
age-25_34 = 25–34
age-35_44 = 35–44
age-45_54 = 45–54
age-55_64 = 55–64
age-65_plus = 65 or older
age-prefer_not_to_say = Prefer not to say
form-disability = Do you have a disability?
disability-yes = Yes
disability-no = No
disability-prefer_not_to_say = Prefer not to say
choice-not-answered = Not answered
form-check = Check and continue
form-fix-errors = Please correct the fields marked below.

## Review
review-title = Check before sending
review-edit = Change
review-send = Send
review-anonymous = Anonymous
review-confidential = Confidential: { $name }, { $phone }
review-text-public = Everyone can read what you wrote and the office's answers.
review-text-private = Not shown to the public: only the offices that handle it read what you wrote.

## Confirmation
confirm-title = Thank you
confirm-code-label = Your tracking code
confirm-code-hint = Keep this code. Give it to the office if you contact them.
confirm-waiting = Saved on this phone. It will be sent as soon as there is a connection.
confirm-sending = Sending now…
confirm-sent = Sent. The office has received it and will answer you here.
confirm-go-home = Back to start
confirm-go-feedback = See my feedback

## My feedback
feedback-title = My feedback
feedback-empty = You have not sent anything yet.
state-waiting = Waiting to send
state-sending = Sending
state-sent = Sent
state-received = Received by the office
state-in_progress = In progress
state-awaiting_citizen = The office has a question
state-answered = Answered
state-closed_resolved = Closed — resolved
state-closed_unresolved = Closed — not resolved
state-rejected = Not accepted
state-conflict = Not accepted: this code was already used
state-unknown = Updated

## Detail
detail-title = Feedback
detail-code = Tracking code
detail-number = Number at the office
detail-office = Handled by
detail-sent-on = Made on
detail-what = What you sent
detail-replies = Answers from the office
detail-no-replies = No answer yet.
detail-rejected-why = Why it was not accepted
reply-answer = Answer
reply-question = Question from the office
detail-last-error = Last try: { $error }
detail-answer-label = Your answer to the office
detail-answer-send = Send answer
detail-answer-sent = Your answer was sent.
detail-rate-label = How good was the office's answer?
detail-rate-send = Send rating
detail-rated = Thank you. Your rating was sent.
detail-action-waiting = Waiting to be sent. It goes by itself when there is a connection.
detail-action-not-saved = Not saved: this phone could not store it. Please try again.
detail-action-refused-answer = Not delivered: the office is no longer waiting for this answer (it closed the question in the meantime). Your text is kept here.
detail-action-refused-rating = Not delivered: this case cannot be rated now (the office changed it in the meantime).
detail-action-refused = Not delivered: the server did not accept it. What you sent is kept here.
detail-my-actions = Your answers and ratings
detail-my-answer = Your answer
detail-my-rating = Your rating
detail-reopened-by-rating = Because you gave a low rating, the office must look at this again.

## Settings
settings-title = Settings
settings-language = Language
settings-privacy = About privacy
settings-delete = Delete this phone's copy of sent feedback
settings-delete-confirm = Delete now
settings-delete-cancel = Keep it
settings-delete-explain = Feedback that is still waiting to be sent is kept.
settings-deleted = { $count } deleted from this phone.
settings-version = Version { $version }
testers-title = Testers
testers-server = Server address
testers-save = Save
testers-sync-now = Send and check now
testers-counts = On this phone: { $waiting } waiting, { $sent } sent, { $rejected } not accepted
testers-saved = Saved.
testers-bad-server = Enter an address that starts with http:// or https://.
testers-https-only = This build sends only to addresses that start with https://.

## App lock
lock-title = Our Voice is locked
lock-enter = Press your PIN
lock-open = Open
lock-wrong = Wrong PIN. Try again.
lock-wait-seconds = Wrong PIN. Wait { $count } seconds, then try again.
lock-wait-minutes = Wrong PIN. Wait { $count } minutes, then try again.
lock-forgot = I forgot my PIN
lock-forgot-help = Nobody can open the app without the PIN, and nobody can send it to you. The only way is to clear this app's data in the phone's settings (Settings, then Apps, then Our Voice, then Storage, then Clear data). That removes the PIN and everything the app keeps on this phone: feedback not yet sent is lost, and so is your list of feedback.
lock-forgot-kept = What the office has already received stays with the office. Keep your tracking codes written down somewhere safe.
pin-delete = Delete the last digit
pin-entered = { $count } digits pressed
lock-settings-title = Lock the app with a PIN
lock-settings-off = Set a PIN so that nobody else can open your feedback on this phone.
lock-settings-on = The app asks for your PIN when it opens, and when you come back to it after a while.
lock-set = Set a PIN
lock-change = Change the PIN
lock-remove = Remove the PIN
lock-remove-ok = Remove
lock-cancel = Cancel
lock-current = Press your PIN now
lock-choose = Choose a PIN of 4 to 6 digits
lock-again = Press the same PIN again
lock-next = Next
lock-save = Save
lock-mismatch = The two PINs were not the same. Choose a PIN again.
lock-saved = PIN saved. The app will ask for it when it opens.
lock-removed = PIN removed. The app opens without a PIN.
form-phone-title = On this phone
form-hide-text = Hide what I wrote on this phone once the office has received it
form-hide-text-hint = For a phone that others use too. You will still see where it stands and the office's replies.
review-text-hidden-later = Hidden on this phone once the office has received it
review-text-kept = Kept on this phone
detail-text-hidden = Your text is hidden on this phone.

## Errors: one message per code of the protocol
error-malformed = Something in this field could not be read.
error-id_invalid = This feedback has a broken identifier. Please write it again.
error-place_unknown = Choose a place or office from the list.
error-category_unknown = Choose a service from the list.
error-category_not_offered = This office does not provide that service. Choose another service or office.
error-description_required = Please write a few words, or record your voice.
error-description_too_long = This is too long: at most { $max } characters.
error-evaluation_required = Please give an overall rating.
error-evaluation_not_allowed = Ratings are only for evaluations.
error-rating_out_of_range = Choose from 1 to 5 stars.
error-incident_date_in_future = The date cannot be in the future.
error-date-parts = Please choose a day that exists: the day, the month and the year, or none of them.
error-name_required = Please write your name, or choose anonymous.
error-name_too_long = The name is too long.
error-phone_required = Please write your phone number, or choose anonymous.
error-phone_invalid = This is not a Cambodian phone number (for example 012 345 678).
error-secret_invalid = This feedback could not be prepared. Please write it again.
error-app_version_invalid = Please update the app.
error-publish_not_allowed = What you write cannot be made public for a complaint about office staff, confidential feedback or an evaluation.
error-attachments_too_many = At most 3 photos and 1 voice message.
error-attachment_invalid = A photo or voice message cannot be sent. Remove it and add it again.
error-no_figures_yet = No figures yet. They are made once a day: look again tomorrow.
error-storage = This phone could not store your feedback. Nothing was lost: your text is still here. Free some space and try again.
error-storage-open = This phone could not open the app's storage. Please restart the app.
error-storage-read = This phone could not read the app's storage. Nothing was deleted. Please restart the app.
error-storage-setting = This phone could not save this choice. Free some space and try again.
error-storage-delete = This phone could not delete the sent feedback. Nothing was deleted. Please try again.
error-not-found = This feedback is no longer on this phone.
error-dismiss = OK

## Months
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
date-long = { $day } { $month } { $year }

## The tracking code: copy, share, read aloud
code-copy = Copy code
code-share = Share
code-copied = Copied. You can paste it into a message.
code-not-copied = Could not copy. Please write the code down or take a photo of the screen.
code-shared = Shared.
code-no-confusion = The code has no letters O or I, and no numbers 0 or 1.
code-share-text = My Our Voice tracking code: { $code }

## What happens next, and how to reach the office
detail-conversation = Messages about this feedback
detail-conversation-empty = No message from the office yet.
detail-from-office = Office
message-question = Question
message-answer = Answer
detail-from-you = You
detail-answer-by = The office should answer by { $date }.
detail-answer-late = The office should have answered by { $date }. The answer is late.
detail-escalates-to = If it does not answer in time, your feedback goes to { $office }, which looks into late answers.
detail-office-phone = Telephone
detail-office-hours = Opening hours

## Photos and voice message on the form
evidence-title = Photos and voice
evidence-hint = A photo of the place or of a receipt helps the office. If writing is hard, you can speak instead.
evidence-take-photo = Take a photo
evidence-choose-photo = Choose a photo
evidence-photos-full = You have added { $max } photos, the most you can send.
evidence-photo-alt = Photo { $n }
evidence-remove-photo = Remove this photo
evidence-preparing = Getting the photo ready…
evidence-record = Record your voice (up to { $minutes } minutes)
evidence-recording = Recording… { $time } / { $max }
evidence-stop = Stop recording
evidence-voice-ready = Your voice message. Listen to it before you send.
evidence-voice-play = Listen to your voice message
evidence-record-again = Record again
evidence-remove-voice = Remove the voice message
evidence-error-not-media = This is not a photo that can be sent. Please choose another photo.
evidence-error-too-large = This file is too large or too long to send.
evidence-error-unreadable = This file is damaged and cannot be opened.
evidence-error-microphone = The microphone cannot be used. Allow it in your phone's settings, or write instead.
evidence-error-no-recorder = This phone cannot record a voice message here. Please write instead.
review-photos-public = Everyone can also see your photos. Only the office hears your voice message.
review-evidence-private = Only the offices that handle it see your photos and hear your voice message.

## An item's photos and voice message, on its page
attachment-photo = Photo { $n } of { $total }
attachment-voice = Voice message
attachment-percent = { $percent } %
attachment-waiting = Waiting to send
attachment-sending = Sending…
attachment-received = Received by the office
attachment-refused = Could not be sent.
attachment-refusal-mismatch = It was damaged on the way or on this phone.
attachment-refusal-not_media = It is not a photo or voice message the office can take.
attachment-refusal-too_large = It is too large or too long.

## How an office answers: its public scorecard (figures of the last 12 months)
scorecard-title = How does this office answer?
scorecard-open = How does this office answer?
scorecard-open-short = Scores
scorecard-open-for = How does { $office } answer?
scorecard-loading = Getting the figures…
scorecard-up-to = Figures of the 12 months up to { $day }
scorecard-updated-today = Last updated today
scorecard-updated-yesterday = Last updated yesterday
scorecard-updated-days = Last updated { $count } days ago
scorecard-offline-kept = No internet: these are the figures kept on this phone.
scorecard-unavailable-kept = The figures cannot be updated now: these are the ones kept on this phone.
scorecard-offline-none = No internet, and this phone has no figures for this office yet. Try again when you are connected. Nothing you wrote is lost.
scorecard-unavailable-none = The figures cannot be shown now. Try again later. Nothing you wrote is lost.
scorecard-retry = Try again
scorecard-none-yet = No figures yet
scorecard-none-yet-why = Figures are shown once at least 5 people have written to this office. They are made once a day.
scorecard-unknown-office = Our Voice has no figures for this office.
scorecard-hidden = fewer than 5 people — not shown
scorecard-hidden-protect = not shown, to protect people
scorecard-times = { $how ->
    [never] never
    [less] less than once in 10 times
    [almost] nearly every time
    [all] every time
   *[some] { $n } times out of 10
}
scorecard-from-people = (from { $count } people)
scorecard-within-days = { $how ->
    [day] within a day
   *[days] within { $days } days
}
scorecard-stars-value = { $stars ->
    [one] { $stars } star
   *[other] { $stars } stars
} out of 5 ({ $count } ratings)
scorecard-section-answers = Does it answer?
scorecard-answered = Gives an answer
scorecard-within-deadline = Answers within its deadline
scorecard-first-answer = Half of the people got a first answer
scorecard-closed = Half of the matters were closed
scorecard-section-ratings = What people think of it
scorecard-rating = People rated it
scorecard-section-extra = Asked to pay extra
scorecard-extra-payment = Asked to pay more than the posted fee
scorecard-extra-who = As people who made a complaint said.
scorecard-section-sent = What people sent
scorecard-sent-total = In all
scorecard-escalated = Passed to the office above
scorecard-section-quarters = Every 3 months
scorecard-month = { $month } { $year }
scorecard-months = { $first } – { $last } { $year }
scorecard-section-compare = Compared with offices like it
scorecard-among-district = Other offices of its kind in the district ({ $count })
scorecard-among-province = Other offices of its kind in the province ({ $count })
scorecard-among-national = Other offices of its kind in the whole country ({ $count })
scorecard-compare-answered = { $how ->
    [more] Gives an answer more often than they usually do (usually { $theirs })
    [less] Gives an answer less often than they usually do (usually { $theirs })
    [same] Gives an answer as often as they usually do (usually { $theirs })
   *[theirs] They usually give an answer { $theirs }
}
scorecard-compare-deadline = { $how ->
    [more] Answers within its deadline more often than they usually do (usually { $theirs })
    [less] Answers within its deadline less often than they usually do (usually { $theirs })
    [same] Answers within its deadline as often as they usually do (usually { $theirs })
   *[theirs] They usually answer within their deadline { $theirs }
}
scorecard-compare-days = { $how ->
    [faster] Gives a first answer sooner than they usually do (usually half { $theirs })
    [slower] Gives a first answer later than they usually do (usually half { $theirs })
    [same] Gives a first answer as soon as they usually do (usually half { $theirs })
   *[theirs] They usually give half of the first answers { $theirs }
}
scorecard-compare-rating = { $how ->
    [more] Rated higher than they usually are (usually { $theirs } out of 5)
    [less] Rated lower than they usually are (usually { $theirs } out of 5)
    [same] Rated as they usually are (usually { $theirs } out of 5)
   *[theirs] They are usually rated { $theirs } out of 5
}
scorecard-section-people = Who wrote
scorecard-people-gender = By gender
scorecard-people-age = By age
scorecard-people-disability = By disability
scorecard-group-not-given = Did not say
scorecard-group-gender-female = Women
scorecard-group-gender-male = Men
scorecard-group-gender-other = Other
scorecard-group-gender-prefer_not_to_say = Preferred not to say
scorecard-group-age-under_18 = Under 18
scorecard-group-age-18_24 = Aged 18–24
scorecard-group-age-25_34 = Aged 25–34
scorecard-group-age-35_44 = Aged 35–44
scorecard-group-age-45_54 = Aged 45–54
scorecard-group-age-55_64 = Aged 55–64
scorecard-group-age-65_plus = Aged 65 or older
scorecard-group-age-prefer_not_to_say = Preferred not to say
scorecard-group-disability-yes = People with a disability
scorecard-group-disability-no = People without a disability
scorecard-group-disability-prefer_not_to_say = Preferred not to say
scorecard-group-sent = Sent
scorecard-licence = Figures from Our Voice, free to share ({ $licence }). They never show who wrote or what they wrote.
date-day-month = { $day } { $month }
