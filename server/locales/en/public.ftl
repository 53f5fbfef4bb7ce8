# The public pages under /open: how offices answer, for everyone (no sign-in).
# Kinds, groups of people, office types and criteria take their names from console.ftl.
open-site = Our Voice: how offices answer
open-other-language = ខ្មែរ
open-national-title = How offices answer across Cambodia
open-national-intro = Every commune and sangkat hall, One Window Service Office and Unit, and citizens' office that takes feedback through Our Voice, for the last 12 months.
open-province-title = How offices answer in { $province }
open-province-intro = Every office of { $province } that takes feedback through Our Voice, for the last 12 months.
open-office-intro = { $type } in { $place }, for the last 12 months.
open-breadcrumb = Where you are
open-all-country = All of Cambodia
open-period = From { $first } to { $last } (12 months).
open-up-to = Figures up to { $date }: the day in progress is never counted.
open-no-figures = No figures yet: no feedback was received in these 12 months, or the figures are still being made.
open-no-feedback = no feedback yet

# Figures shown as words.
open-fewer-than-five = fewer than 5 people
open-hidden-other = hidden
open-figure-none = none
open-times-in-ten = { $n } times out of 10
open-in-hundred = { $n } in 100
open-days = { $days ->
    [one] { $days } day
   *[other] { $days } days
}
open-stars = { $stars } out of 5
open-percent = { $n }%

# The headline facts: a sentence, and its short label (table headings, hidden figures).
open-fact-received = { $n ->
    [one] Received { $n } piece of feedback
   *[other] Received { $n } pieces of feedback
}
open-fact-received-label = Feedback received
open-fact-answered = Gave an answer { $times }
open-fact-answered-label = Answered
open-fact-within-deadline = Answered within the deadline { $times }
open-fact-within-deadline-label = Within the deadline
open-fact-first-answer = Half of the first answers came within { $days }
open-fact-first-answer-label = Days to a first answer (half faster)
open-fact-close = Half of the cases were closed within { $days }
open-fact-close-label = Days to close (half faster)
open-fact-escalated = { $n ->
    [one] { $n } case was passed up to a higher office
   *[other] { $n } cases were passed up to a higher office
}
open-fact-escalated-label = Passed up to a higher office
open-fact-rating = Rated { $stars } by { $n ->
    [one] { $n } person
   *[other] { $n } people
}
open-fact-rating-label = Rating (1 to 5 stars)
open-fact-extra-payment = { $share } complaints say they were asked to pay more than the posted fee
open-fact-extra-payment-label = Asked to pay more than the posted fee
open-fact-hidden = { $label }: { $hidden }

# Sections.
open-section-facts = In short
open-section-kinds = What people sent
open-section-quarters = Each quarter
open-section-ratings = How people rate the service
open-section-people = Who wrote
open-section-peers = Compared with other offices
open-section-provinces = Each province
open-section-offices = Each office
open-section-downloads = The figures as data
open-quarter = Quarter
open-ratings-count = Ratings
open-group = Group
open-office = Office
open-province = Province or capital
open-provincial-offices = Provincial offices
open-people-gender = By gender
open-people-age_band = By age
open-people-disability = By disability
open-chart-kinds = Feedback received by kind
open-chart-quarters = Feedback received each quarter
open-chart-gender = Feedback received, by the gender of who wrote
open-chart-age_band = Feedback received, by the age of who wrote
open-chart-disability = Feedback received, by whether who wrote has a disability
open-chart-said = { $title }: { $values }.
open-chart-value = { $label }, { $words }
open-chart-separator = {"; "}
open-peers-this = This office
open-peers-this-province = This province
open-peers-district = In the district (middle of { $n })
open-peers-province = In the province (middle of { $n })
open-peers-national = In the country (middle of { $n })
open-peers-provinces = All provinces (middle of { $n })
open-peers-help = "Middle" (the median) of the other offices of the same type: half of them do better and half do worse. Only offices whose figure is shown count.
open-peers-none = No other office of this type to compare with yet.

# Short column headings of the lists of provinces and offices, and what they mean.
open-col-received = Received
open-col-within-deadline = On time
open-col-first-answer = Days to first answer
open-col-rating = Rating (1–5)
open-col-help = On time: answered within the deadline. Days to first answer: half of the first answers came this fast or faster. Rating: the average of the stars people gave, from 1 to 5.
open-col-print = On paper: feedback received and answered on time; the days and the rating are on each office's page.
open-col-criterion = What was rated
open-col-stars = Stars

# Dates and periods.
open-month-1 = January
open-month-2 = February
open-month-3 = March
open-month-4 = April
open-month-5 = May
open-month-6 = June
open-month-7 = July
open-month-8 = August
open-month-9 = September
open-month-10 = October
open-month-11 = November
open-month-12 = December
open-month-short-1 = Jan
open-month-short-2 = Feb
open-month-short-3 = Mar
open-month-short-4 = Apr
open-month-short-5 = May
open-month-short-6 = Jun
open-month-short-7 = Jul
open-month-short-8 = Aug
open-month-short-9 = Sep
open-month-short-10 = Oct
open-month-short-11 = Nov
open-month-short-12 = Dec
open-date = { $day } { $month } { $year }
open-months = { $first }–{ $last } { $year }
open-month-year = { $month } { $year }
open-period-days = { $firstday } { $firstmonth } – { $lastday } { $lastmonth } { $year }
open-period-days-month = { $firstday }–{ $lastday } { $month } { $year }

# Why some figures are missing, the data and the licence.
open-hidden-note-title = Why some figures are not shown
open-hidden-note = A figure that stands for fewer than 5 people is never shown, so that nobody can tell who wrote. Where a hidden figure could be worked out from the ones beside it, one more is hidden too ("hidden"). Nothing anyone wrote is published here: only counts, shares, days and ratings.
open-download-csv = Download the figures (CSV)
open-download-json = Download the figures (JSON)
open-licence = The figures are open data under the { $licence } licence: you may share and reuse them, saying they come from Our Voice.
open-print = To print this page, use your browser's Print: it fits on one A4 page.

# Errors.
open-not-found-title = Page not found
open-not-found = There is no office or province with this code.
open-bad-request-title = This address is not right
open-bad-request = The address has a mistake in it. Start again from the page of all of Cambodia.
open-unavailable-title = Please try again
open-unavailable = The figures cannot be read right now. Please try again in a moment.
open-back = Go to all of Cambodia
