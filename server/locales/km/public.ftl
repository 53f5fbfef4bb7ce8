# ទំព័រសាធារណៈក្រោម /open៖ ការិយាល័យឆ្លើយតបយ៉ាងដូចម្តេច សម្រាប់អ្នកទាំងអស់គ្នា (មិនចាំបាច់ចូលគណនី)។
# ឈ្មោះប្រភេទមតិ ក្រុមមនុស្ស ប្រភេទការិយាល័យ និងលក្ខណៈវិនិច្ឆ័យ យកពី console.ftl។
open-site = សំឡេងយើង៖ ការិយាល័យឆ្លើយតបយ៉ាងដូចម្តេច
open-other-language = English
open-national-title = ការិយាល័យនានាឆ្លើយតបយ៉ាងដូចម្តេច នៅទូទាំងប្រទេសកម្ពុជា
open-national-intro = សាលាឃុំ/សង្កាត់ ការិយាល័យ និងអង្គភាពច្រកចេញចូលតែមួយ និងការិយាល័យប្រជាពលរដ្ឋ ទាំងអស់ដែលទទួលមតិតាមរយៈ សំឡេងយើង ក្នុងរយៈពេល ១២ ខែចុងក្រោយ។
open-province-title = ការិយាល័យនានាឆ្លើយតបយ៉ាងដូចម្តេច នៅ{ $province }
open-province-intro = ការិយាល័យទាំងអស់នៃ{ $province } ដែលទទួលមតិតាមរយៈ សំឡេងយើង ក្នុងរយៈពេល ១២ ខែចុងក្រោយ។
open-office-intro = { $type } នៅ{ $place } ក្នុងរយៈពេល ១២ ខែចុងក្រោយ។
open-breadcrumb = អ្នកនៅទីនេះ
open-all-country = ទូទាំងប្រទេសកម្ពុជា
open-period = ពី{ $first } ដល់{ $last } (១២ ខែ)។
open-up-to = តួលេខរហូតដល់{ $date }។ មតិដែលមកដល់ថ្ងៃនេះ មិនទាន់រាប់ទេ។
open-no-figures = មិនទាន់មានតួលេខនៅឡើយទេ៖ គ្មានមតិក្នុងរយៈពេល ១២ ខែនេះ ឬតួលេខកំពុងត្រូវបានរៀបចំ។
open-no-feedback = មិនទាន់មានមតិ

# តួលេខជាពាក្យ។
open-fewer-than-five = តិចជាង ៥ នាក់
open-hidden-other = លាក់ទុក
open-figure-none = គ្មាន
open-times-in-ten = { $n } ដង ក្នុងចំណោម ១០ ដង
open-in-hundred = { $n } ក្នុងចំណោម ១០០
open-days = { $days } ថ្ងៃ
open-stars = { $stars } ផ្កាយ ក្នុងចំណោម ៥
open-percent = { $n }%

# ការពិតសំខាន់ៗ៖ ប្រយោគមួយ និងស្លាកខ្លីរបស់វា (ក្បាលតារាង តួលេខដែលលាក់)។
open-fact-received = បានទទួលមតិ { $n }
open-fact-received-label = មតិដែលបានទទួល
open-fact-answered = បានឆ្លើយ { $times }
open-fact-answered-label = បានឆ្លើយ
open-fact-within-deadline = ឆ្លើយទាន់ពេលកំណត់ { $times }
open-fact-within-deadline-label = ឆ្លើយទាន់ពេលកំណត់
open-fact-first-answer = ចម្លើយដំបូងពាក់កណ្តាល បានមកក្នុងរយៈពេល { $days } ឬលឿនជាងនេះ
open-fact-first-answer-label = ចំនួនថ្ងៃរហូតដល់ចម្លើយដំបូង (ពាក់កណ្តាលលឿនជាងនេះ)
open-fact-close = មតិពាក់កណ្តាល ត្រូវបានបិទក្នុងរយៈពេល { $days } ឬលឿនជាងនេះ
open-fact-close-label = ចំនួនថ្ងៃរហូតដល់បិទ (ពាក់កណ្តាលលឿនជាងនេះ)
open-fact-escalated = មតិ { $n } ត្រូវបានបញ្ជូនបន្តទៅការិយាល័យថ្នាក់លើ
open-fact-escalated-label = បញ្ជូនបន្តទៅការិយាល័យថ្នាក់លើ
open-fact-rating = ពលរដ្ឋ { $n } នាក់ វាយតម្លៃ { $stars }
open-fact-rating-label = ការវាយតម្លៃ (១ ដល់ ៥ ផ្កាយ)
open-fact-extra-payment = បណ្តឹង { $share } និយាយថា ត្រូវបានគេសុំឱ្យបង់លុយលើសតម្លៃដែលបានបិទផ្សាយ
open-fact-extra-payment-label = ត្រូវបានសុំឱ្យបង់លើសតម្លៃដែលបានបិទផ្សាយ
open-fact-hidden = { $label }៖ { $hidden }

# ផ្នែកនានា។
open-section-facts = សង្ខេប
open-section-kinds = អ្វីដែលពលរដ្ឋបានផ្ញើ
open-section-quarters = ត្រីមាសនីមួយៗ
open-section-ratings = ពលរដ្ឋវាយតម្លៃសេវាយ៉ាងណា
open-section-people = អ្នកណាខ្លះបានផ្ញើមតិ
open-section-peers = ប្រៀបធៀបជាមួយការិយាល័យផ្សេងទៀត
open-section-provinces = ខេត្តនីមួយៗ
open-section-offices = ការិយាល័យនីមួយៗ
open-section-downloads = តួលេខជាទិន្នន័យ
open-quarter = ត្រីមាស
open-ratings-count = ចំនួនការវាយតម្លៃ
open-group = ក្រុម
open-office = ការិយាល័យ
open-province = ខេត្ត ឬរាជធានី
open-provincial-offices = ការិយាល័យថ្នាក់ខេត្ត
open-people-gender = តាមភេទ
open-people-age_band = តាមអាយុ
open-people-disability = តាមពិការភាព
open-chart-kinds = មតិដែលបានទទួល តាមប្រភេទ
open-chart-quarters = មតិដែលបានទទួល ក្នុងត្រីមាសនីមួយៗ
open-chart-gender = មតិដែលបានទទួល តាមភេទរបស់អ្នកសរសេរ
open-chart-age_band = មតិដែលបានទទួល តាមអាយុរបស់អ្នកសរសេរ
open-chart-disability = មតិដែលបានទទួល តាមពិការភាពរបស់អ្នកសរសេរ
open-chart-said = { $title }៖ { $values }។
open-chart-value = { $label } { $words }
open-chart-separator = {"។ "}
open-peers-this = ការិយាល័យនេះ
open-peers-this-province = ខេត្តនេះ
open-peers-district = ក្នុងស្រុក (កណ្តាលនៃ { $n })
open-peers-province = ក្នុងខេត្ត (កណ្តាលនៃ { $n })
open-peers-national = ទូទាំងប្រទេស (កណ្តាលនៃ { $n })
open-peers-provinces = ខេត្តទាំងអស់ (កណ្តាលនៃ { $n })
open-peers-help = "កណ្តាល" នៃការិយាល័យផ្សេងទៀតប្រភេទដូចគ្នា៖ ពាក់កណ្តាលនៃការិយាល័យទាំងនោះធ្វើបានល្អជាង ហើយពាក់កណ្តាលទៀតធ្វើបានតិចជាង។ រាប់តែការិយាល័យដែលតួលេខរបស់វាត្រូវបានបង្ហាញប៉ុណ្ណោះ។
open-peers-none = មិនទាន់មានការិយាល័យប្រភេទនេះផ្សេងទៀត ដើម្បីប្រៀបធៀបនៅឡើយទេ។

# ក្បាលតារាងខ្លីៗនៃបញ្ជីខេត្ត និងការិយាល័យ និងអត្ថន័យរបស់វា។
open-col-received = បានទទួល
open-col-within-deadline = ទាន់ពេល
open-col-first-answer = ថ្ងៃរហូតដល់ចម្លើយដំបូង
open-col-rating = ការវាយតម្លៃ (១–៥)
open-col-help = ទាន់ពេល៖ បានឆ្លើយក្នុងពេលកំណត់។ ថ្ងៃរហូតដល់ចម្លើយដំបូង៖ ចម្លើយដំបូងពាក់កណ្តាល បានមកក្នុងរយៈពេលនេះ ឬលឿនជាងនេះ។ ការវាយតម្លៃ៖ មធ្យមនៃផ្កាយដែលពលរដ្ឋបានផ្តល់ ពី ១ ដល់ ៥។
open-col-print = នៅលើក្រដាស៖ មតិដែលបានទទួល និងការឆ្លើយទាន់ពេល។ ចំនួនថ្ងៃ និងការវាយតម្លៃ មាននៅលើទំព័ររបស់ការិយាល័យនីមួយៗ។
open-col-criterion = អ្វីដែលត្រូវបានវាយតម្លៃ
open-col-stars = ផ្កាយ

# ថ្ងៃ ខែ និងរយៈពេល។
open-month-1 = មករា
open-month-2 = កុម្ភៈ
open-month-3 = មីនា
open-month-4 = មេសា
open-month-5 = ឧសភា
open-month-6 = មិថុនា
open-month-7 = កក្កដា
open-month-8 = សីហា
open-month-9 = កញ្ញា
open-month-10 = តុលា
open-month-11 = វិច្ឆិកា
open-month-12 = ធ្នូ
open-month-short-1 = មករា
open-month-short-2 = កុម្ភៈ
open-month-short-3 = មីនា
open-month-short-4 = មេសា
open-month-short-5 = ឧសភា
open-month-short-6 = មិថុនា
open-month-short-7 = កក្កដា
open-month-short-8 = សីហា
open-month-short-9 = កញ្ញា
open-month-short-10 = តុលា
open-month-short-11 = វិច្ឆិកា
open-month-short-12 = ធ្នូ
open-date = ថ្ងៃទី{ $day } ខែ{ $month } ឆ្នាំ{ $year }
open-months = { $first }–{ $last } { $year }
open-month-year = { $month } { $year }
open-period-days = { $firstday } { $firstmonth } – { $lastday } { $lastmonth } { $year }
open-period-days-month = { $firstday }–{ $lastday } { $month } { $year }

# ហេតុអ្វីតួលេខខ្លះមិនមាន ទិន្នន័យ និងអាជ្ញាប័ណ្ណ។
open-hidden-note-title = ហេតុអ្វីតួលេខខ្លះមិនត្រូវបានបង្ហាញ
open-hidden-note = តួលេខដែលតំណាងឱ្យមនុស្សតិចជាង ៥ នាក់ មិនត្រូវបានបង្ហាញទេ ដើម្បីកុំឱ្យនរណាម្នាក់ដឹងថាអ្នកណាបានសរសេរ។ បើតួលេខដែលលាក់ អាចគណនារកបានពីតួលេខនៅក្បែរវា តួលេខមួយទៀតក៏ត្រូវបានលាក់ដែរ ("លាក់ទុក")។ គ្មានអ្វីដែលនរណាម្នាក់បានសរសេរ ត្រូវបានផ្សព្វផ្សាយនៅទីនេះទេ៖ មានតែចំនួន ភាគរយ ថ្ងៃ និងការវាយតម្លៃប៉ុណ្ណោះ។
open-download-csv = ទាញយកតួលេខ (CSV)
open-download-json = ទាញយកតួលេខ (JSON)
open-licence = តួលេខទាំងនេះជាទិន្នន័យបើកចំហ ក្រោមអាជ្ញាប័ណ្ណ { $licence }៖ អ្នកអាចចែករំលែក និងប្រើវាឡើងវិញបាន ដោយបញ្ជាក់ថាវាមកពី សំឡេងយើង។
open-print = ដើម្បីបោះពុម្ពទំព័រនេះ សូមប្រើមុខងារបោះពុម្ព (Print) របស់កម្មវិធីរុករក៖ វាសមនឹងក្រដាស A4 មួយសន្លឹក។

# កំហុស។
open-not-found-title = រកមិនឃើញទំព័រនេះទេ
open-not-found = គ្មានការិយាល័យ ឬខេត្តណាដែលមានលេខកូដនេះទេ។
open-bad-request-title = អាសយដ្ឋាននេះមិនត្រឹមត្រូវទេ
open-bad-request = អាសយដ្ឋាននេះមានកំហុស។ សូមចាប់ផ្តើមម្តងទៀតពីទំព័រទូទាំងប្រទេសកម្ពុជា។
open-unavailable-title = សូមព្យាយាមម្តងទៀត
open-unavailable = មិនអាចអានតួលេខបាននៅពេលនេះទេ។ សូមព្យាយាមម្តងទៀតបន្តិចក្រោយ។
open-back = ទៅទំព័រទូទាំងប្រទេសកម្ពុជា
