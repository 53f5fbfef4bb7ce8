## សំឡេងយើង — ភាសាខ្មែរ

app-title = សំឡេងយើង
app-tagline = ប្រាប់ឃុំ ស្រុក ឬខេត្តរបស់អ្នកអំពីសេវាសាធារណៈ ហើយទទួលបានចម្លើយ។

## ភាសា
lang-km = ខ្មែរ
lang-en = English

## ការប្រើលើកដំបូង
welcome-choose-language = ជ្រើសរើសភាសា
welcome-continue = បន្ត
privacy-title = ឯកជនភាពរបស់អ្នក
privacy-intro = សំឡេងយើងគឺឥតគិតថ្លៃ។ អ្នកជាអ្នកសម្រេចថាតើការិយាល័យអាចដឹងថាអ្នកជានរណាឬអត់។
privacy-anonymous-title = មិនដាក់ឈ្មោះ (ជម្រើសធម្មតា)
privacy-anonymous-body = មិនសួរ និងមិនរក្សាទុកឈ្មោះ ឬលេខទូរសព្ទរបស់អ្នកនៅកន្លែងណាទេ។ ការិយាល័យឃើញតែអ្វីដែលអ្នកសរសេរប៉ុណ្ណោះ។
privacy-confidential-title = ដាក់ឈ្មោះ តែរក្សាការសម្ងាត់
privacy-confidential-body = អ្នកផ្តល់ឈ្មោះ និងលេខទូរសព្ទ ដើម្បីឱ្យការិយាល័យអាចទាក់ទងអ្នកបាន។ មានតែការិយាល័យដែលដោះស្រាយមតិរបស់អ្នកទេដែលអាចមើលឃើញ។
privacy-phone-title = នៅលើទូរសព្ទនេះ
privacy-phone-body = អ្វីដែលអ្នកផ្ញើត្រូវបានរក្សាទុកនៅលើទូរសព្ទនេះរហូតដល់ផ្ញើរួច ជាមួយលេខកូដតាមដាន។ អ្នកអាចលុបច្បាប់ចម្លងនៅលើទូរសព្ទក្នុងការកំណត់។
privacy-office-title = នៅការិយាល័យ
privacy-office-body = មតិរបស់អ្នក រួមទាំងរូបថត និងសារសំឡេង ទៅដល់ការិយាល័យដែលត្រូវឆ្លើយតប។ រូបថតត្រូវបានផ្ញើដោយគ្មានទីតាំង ឬព័ត៌មានអំពីទូរស័ព្ទ។ ស្ថិតិសម្រាប់ក្រសួងមិនបង្ហាញពាក្យរបស់អ្នក ឬអត្តសញ្ញាណរបស់អ្នកទេ។
privacy-public-title = អ្វីដែលអ្នកណាក៏អាចមើលឃើញ
privacy-public-body = សម្រាប់មតិនីមួយៗ អ្នកណាក៏អាចមើលឃើញ ការិយាល័យ ទីកន្លែង ប្រភេទសេវា ថ្ងៃខែ និងថារឿងនេះដល់ណាហើយ។ គេមិនដែលឃើញថាអ្នកជានរណា ឈ្មោះ ឬលេខទូរសព្ទរបស់អ្នកទេ។ អ្វីដែលអ្នកសរសេរ រូបថតរបស់អ្នក និងចម្លើយរបស់ការិយាល័យ បង្ហាញតែពេលអ្នកជ្រើសរើសឱ្យបង្ហាញប៉ុណ្ណោះ (សារសំឡេងមិនដែលបង្ហាញទេ) ហើយមិនដែលបង្ហាញសម្រាប់បណ្តឹងអំពីបុគ្គលិកការិយាល័យ មតិសម្ងាត់ ឬការវាយតម្លៃទេ។
privacy-accept = ខ្ញុំយល់ហើយ

## ទំព័រដើម
home-question = តើអ្នកចង់ធ្វើអ្វី?
kind-complaint = ដាក់បណ្តឹង
kind-complaint-hint = មានបញ្ហានៅការិយាល័យសាធារណៈ។
kind-support = ស្នើសុំជំនួយ
kind-support-hint = សុំឱ្យការិយាល័យជួយដោះស្រាយបញ្ហារបស់អ្នក។
kind-information = សួររកព័ត៌មាន
kind-information-hint = តម្លៃសេវា ឯកសារ ម៉ោងធ្វើការ នីតិវិធី។
kind-evaluation = វាយតម្លៃសេវា
kind-evaluation-hint = វាយតម្លៃការមកទទួលសេវា៖ ល្បឿន បុគ្គលិក តម្លៃ ព័ត៌មាន ការចូលប្រើ។
home-my-feedback = មតិរបស់ខ្ញុំ
home-unread = មានចម្លើយថ្មី { $count }
feedback-new-reply = មានចម្លើយថ្មី
error-storage-seen = ទូរសព្ទនេះមិនអាចកត់ចំណាំថាអ្នកបានអានរឿងនេះហើយទេ។ គ្មានអ្វីបាត់ទេ។
home-settings = ការកំណត់

## ស្ថានភាពផ្ញើ
sync-all-sent = បានផ្ញើទាំងអស់
sync-nothing-yet = មិនទាន់បានផ្ញើអ្វីនៅឡើយ
sync-send-now = ផ្ញើឥឡូវនេះ
sync-waiting = { $count } កំពុងរង់ចាំផ្ញើ
sync-offline-waiting = គ្មានអ៊ីនធឺណិត — { $count } កំពុងរង់ចាំផ្ញើ
sync-sending = កំពុងផ្ញើ { $done } ក្នុងចំណោម { $total }…
sync-server-busy = ម៉ាស៊ីនមេរវល់ — { $count } កំពុងរង់ចាំ នឹងព្យាយាមម្តងទៀតឆាប់ៗ
sync-update-needed = សូមធ្វើបច្ចុប្បន្នភាពកម្មវិធីដើម្បីផ្ញើ — { $count } កំពុងរង់ចាំ
sync-storage-problem = កន្លែងផ្ទុកទិន្នន័យរបស់ទូរសព្ទនេះមានបញ្ហា

## ការរុករក
nav-back = ថយក្រោយ
nav-quick-exit = ចាកចេញពីទំព័រនេះ
nav-home = ទំព័រដើម

## ជ្រើសរើសទីកន្លែង
place-title = នៅទីណា?
place-how = របៀបរកទីកន្លែង
place-mode-search = ស្វែងរក
place-mode-list = ជ្រើសពីបញ្ជី
place-search-label = ស្វែងរកឃុំ សង្កាត់ ស្រុក ខេត្ត ឬការិយាល័យ
place-search-placeholder = ឧ. តាកែវ, ចំការមន, Takeo
place-recent = ធ្លាប់ប្រើ
place-no-results = រកមិនឃើញទីកន្លែង។ សូមពិនិត្យអក្ខរាវិរុទ្ធ ឬជ្រើសពីបញ្ជី។
place-more = បង្ហាញទីកន្លែងបន្ថែមទៀត
place-crumbs = កន្លែងដែលអ្នកនៅក្នុងបញ្ជី
place-all-provinces = ខេត្តទាំងអស់
place-provinces = ជ្រើសរើសខេត្ត ឬរាជធានី
place-districts = ជ្រើសរើសស្រុក ក្រុង ឬខណ្ឌ
place-communes = ជ្រើសរើសឃុំ ឬសង្កាត់
place-offices = ការិយាល័យសម្រាប់{ $place }ទាំងមូល
place-tag-commune-hall = សាលាឃុំ
place-tag-sangkat-hall = សាលាសង្កាត់
place-tag-one-window = ច្រកចេញចូលតែមួយ
place-tag-citizens-office = ការិយាល័យប្រជាពលរដ្ឋ
place-tag-recent = ធ្លាប់ប្រើ

## ទម្រង់
form-title-complaint = បណ្តឹង
form-title-support = សំណើសុំជំនួយ
form-title-information = សំណើសុំព័ត៌មាន
form-title-evaluation = ការវាយតម្លៃ
form-place = ទីកន្លែង ឬការិយាល័យ
form-change-place = ប្តូរ
form-category = សេវាអ្វី?
form-description-complaint = តើមានរឿងអ្វីកើតឡើង?
form-description-support = តើអ្នកត្រូវការជំនួយអ្វី?
form-description-information = តើអ្នកចង់ដឹងអ្វី?
form-description-evaluation = មានអ្វីចង់បន្ថែមទេ? (មិនចាំបាច់)
form-characters = { $count } / { $max } តួអក្សរ
form-incident-date = ថ្ងៃដែលអ្នកបានមកទទួលសេវា (មិនចាំបាច់)
form-day = ថ្ងៃ
form-month = ខែ
form-year = ឆ្នាំ
form-overall = ជារួម តើសេវាយ៉ាងដូចម្តេច?
criterion-speed = ល្បឿន
criterion-staff_attitude = ឥរិយាបថបុគ្គលិក
criterion-fees_as_posted = តម្លៃតាមការបិទផ្សាយ
criterion-clarity_of_information = ព័ត៌មានច្បាស់លាស់
criterion-facilities_and_access = ទីកន្លែង និងការចូលប្រើ
rating-1 = អាក្រក់ណាស់
rating-2 = អាក្រក់
rating-3 = មធ្យម
rating-4 = ល្អ
rating-5 = ល្អណាស់
rating-stars = { $stars } ក្នុងចំណោម ៥ ផ្កាយ
form-extra-payment = តើអ្នកត្រូវគេសុំឱ្យបង់លើសពីតម្លៃដែលបានបិទផ្សាយទេ?
answer-yes = បាទ/ចាស
answer-no = ទេ
form-about-staff = នេះទាក់ទងនឹងបុគ្គលិករបស់ការិយាល័យនោះផ្ទាល់ (នឹងបញ្ជូនទៅការិយាល័យប្រជាពលរដ្ឋថ្នាក់លើ)
form-privacy = តើអ្នកណាអាចដឹងថាជាអ្នក?
privacy-choice-anonymous = មិនដាក់ឈ្មោះ
privacy-choice-anonymous-hint = គ្មានឈ្មោះ គ្មានលេខទូរសព្ទ។
privacy-choice-confidential = ដាក់ឈ្មោះ តែរក្សាការសម្ងាត់
privacy-choice-confidential-hint = មានតែការិយាល័យដែលដោះស្រាយទេ ដែលឃើញឈ្មោះ និងលេខទូរសព្ទរបស់អ្នក។
form-name = ឈ្មោះរបស់អ្នក
form-phone = លេខទូរសព្ទរបស់អ្នក
form-public-title = អ្វីដែលអ្នកណាក៏អាចមើលឃើញ
form-public-always = អ្នកណាក៏អាចមើលឃើញ ការិយាល័យ ទីកន្លែង ប្រភេទសេវា ថ្ងៃខែ និងថារឿងនេះដល់ណាហើយ។ គេមិនដែលឃើញថាអ្នកជានរណា ឈ្មោះ ឬលេខទូរសព្ទរបស់អ្នកទេ។
form-public-choice = ឱ្យអ្នកណាក៏អាចអានអ្វីដែលខ្ញុំសរសេរ មើលរូបថតរបស់ខ្ញុំ និងចម្លើយរបស់ការិយាល័យ (ឧទាហរណ៍ រឿងផ្លូវខូច)
form-public-choice-hint = បើអ្នកជ្រើសរើសនេះ កុំសរសេរឈ្មោះ ឬអ្វីដែលបង្ហាញថាអ្នកជានរណា។
form-public-private = មានតែការិយាល័យដែលដោះស្រាយរឿងនេះទេ ដែលអានអ្វីដែលអ្នកសរសេរ។
form-about-you = អំពីអ្នក (មិនចាំបាច់)
form-about-you-why = យើងសួរតែដើម្បីធ្វើឱ្យសេវាសាធារណៈមានភាពយុត្តិធម៌ជាងមុនសម្រាប់ស្ត្រី និងជនមានពិការភាព។ ស្ថិតិមិនដែលបង្ហាញថាអ្នកជានរណាទេ។
form-gender = ភេទ
gender-female = ស្រី
gender-male = ប្រុស
gender-other = ផ្សេងទៀត
gender-prefer_not_to_say = មិនចង់ប្រាប់
form-age = អាយុ
age-under_18 = ក្រោម ១៨ ឆ្នាំ
age-18_24 = ១៨–២៤
age-25_34 = ២៥–៣៤
age-35_44 = ៣៥–៤៤
age-45_54 = ៤៥–៥៤
age-55_64 = ៥៥–៦៤
age-65_plus = ៦៥ ឆ្នាំ ឬលើស
age-prefer_not_to_say = មិនចង់ប្រាប់
form-disability = តើអ្នកមានពិការភាពទេ?
disability-yes = មាន
disability-no = គ្មាន
disability-prefer_not_to_say = មិនចង់ប្រាប់
choice-not-answered = មិនបានឆ្លើយ
form-check = ពិនិត្យ និងបន្ត
form-fix-errors = សូមកែកន្លែងដែលមានសញ្ញាខាងក្រោម។

## ពិនិត្យ
review-title = ពិនិត្យមុនពេលផ្ញើ
review-edit = កែប្រែ
review-send = ផ្ញើ
review-anonymous = មិនដាក់ឈ្មោះ
review-confidential = ដាក់ឈ្មោះ (រក្សាការសម្ងាត់)៖ { $name }, { $phone }
review-text-public = អ្នកណាក៏អាចអានអ្វីដែលអ្នកសរសេរ និងចម្លើយរបស់ការិយាល័យ។
review-text-private = មិនបង្ហាញឱ្យអ្នកដទៃឃើញទេ៖ មានតែការិយាល័យដែលដោះស្រាយរឿងនេះទេ ដែលអានអ្វីដែលអ្នកសរសេរ។

## បញ្ជាក់
confirm-title = សូមអរគុណ
confirm-code-label = លេខកូដតាមដានរបស់អ្នក
confirm-code-hint = សូមរក្សាលេខកូដនេះ។ ផ្តល់វាទៅការិយាល័យ ប្រសិនបើអ្នកទាក់ទងពួកគេ។
confirm-waiting = បានរក្សាទុកនៅលើទូរសព្ទនេះ។ វានឹងត្រូវផ្ញើភ្លាមៗនៅពេលមានអ៊ីនធឺណិត។
confirm-sending = កំពុងផ្ញើ…
confirm-sent = បានផ្ញើ។ ការិយាល័យបានទទួលហើយ ហើយនឹងឆ្លើយតបមកអ្នកនៅទីនេះ។
confirm-go-home = ត្រឡប់ទៅទំព័រដើម
confirm-go-feedback = មើលមតិរបស់ខ្ញុំ

## មតិរបស់ខ្ញុំ
feedback-title = មតិរបស់ខ្ញុំ
feedback-empty = អ្នកមិនទាន់បានផ្ញើអ្វីនៅឡើយទេ។
state-waiting = កំពុងរង់ចាំផ្ញើ
state-sending = កំពុងផ្ញើ
state-sent = បានផ្ញើ
state-received = ការិយាល័យបានទទួល
state-in_progress = កំពុងដោះស្រាយ
state-awaiting_citizen = ការិយាល័យមានសំណួរ
state-answered = បានឆ្លើយតប
state-closed_resolved = បានបិទ — បានដោះស្រាយ
state-closed_unresolved = បានបិទ — មិនបានដោះស្រាយ
state-rejected = មិនត្រូវបានទទួលយក
state-conflict = មិនត្រូវបានទទួលយក៖ លេខកូដនេះត្រូវបានប្រើរួចហើយ
state-unknown = បានធ្វើបច្ចុប្បន្នភាព

## ព័ត៌មានលម្អិត
detail-title = មតិ
detail-code = លេខកូដតាមដាន
detail-number = លេខនៅការិយាល័យ
detail-office = ដោះស្រាយដោយ
detail-sent-on = ធ្វើនៅ
detail-what = អ្វីដែលអ្នកបានផ្ញើ
detail-replies = ចម្លើយពីការិយាល័យ
detail-no-replies = មិនទាន់មានចម្លើយនៅឡើយ។
detail-rejected-why = មូលហេតុដែលមិនត្រូវបានទទួលយក
reply-answer = ចម្លើយ
reply-question = សំណួរពីការិយាល័យ
detail-last-error = ការព្យាយាមចុងក្រោយ៖ { $error }
detail-answer-label = ចម្លើយរបស់អ្នកទៅការិយាល័យ
detail-answer-send = ផ្ញើចម្លើយ
detail-answer-sent = ចម្លើយរបស់អ្នកត្រូវបានផ្ញើ។
detail-rate-label = តើចម្លើយរបស់ការិយាល័យល្អប៉ុណ្ណា?
detail-rate-send = ផ្ញើការវាយតម្លៃ
detail-rated = សូមអរគុណ។ ការវាយតម្លៃរបស់អ្នកត្រូវបានផ្ញើ។
detail-action-waiting = កំពុងរង់ចាំផ្ញើ។ វានឹងផ្ញើដោយស្វ័យប្រវត្តិ នៅពេលមានអ៊ីនធឺណិត។
detail-action-not-saved = មិនបានរក្សាទុកទេ៖ ទូរសព្ទនេះមិនអាចរក្សាទុកវាបានទេ។ សូមព្យាយាមម្តងទៀត។
detail-action-refused-answer = មិនបានបញ្ជូនទេ៖ ការិយាល័យលែងរង់ចាំចម្លើយនេះហើយ (ការិយាល័យបានបិទសំណួរនេះក្នុងពេលនោះ)។ អត្ថបទរបស់អ្នកនៅតែរក្សាទុកនៅទីនេះ។
detail-action-refused-rating = មិនបានបញ្ជូនទេ៖ ករណីនេះមិនអាចវាយតម្លៃបានទេឥឡូវនេះ (ការិយាល័យបានផ្លាស់ប្តូរវាក្នុងពេលនោះ)។
detail-action-refused = មិនបានបញ្ជូនទេ៖ ម៉ាស៊ីនមេមិនបានទទួលយកទេ។ អ្វីដែលអ្នកបានផ្ញើនៅតែរក្សាទុកនៅទីនេះ។
detail-my-actions = ចម្លើយ និងការវាយតម្លៃរបស់អ្នក
detail-my-answer = ចម្លើយរបស់អ្នក
detail-my-rating = ការវាយតម្លៃរបស់អ្នក
detail-reopened-by-rating = ដោយសារអ្នកវាយតម្លៃទាប ការិយាល័យត្រូវពិនិត្យរឿងនេះម្តងទៀត។

## ការកំណត់
settings-title = ការកំណត់
settings-language = ភាសា
settings-privacy = អំពីឯកជនភាព
settings-delete = លុបច្បាប់ចម្លងនៃមតិដែលបានផ្ញើចេញពីទូរសព្ទនេះ
settings-delete-confirm = លុបឥឡូវនេះ
settings-delete-cancel = រក្សាទុក
settings-delete-explain = មតិដែលកំពុងរង់ចាំផ្ញើនឹងត្រូវរក្សាទុក។
settings-deleted = បានលុប { $count } ចេញពីទូរសព្ទនេះ។
settings-version = កំណែ { $version }
testers-title = សម្រាប់អ្នកសាកល្បង
testers-server = អាសយដ្ឋានម៉ាស៊ីនមេ
testers-save = រក្សាទុក
testers-sync-now = ផ្ញើ និងពិនិត្យឥឡូវនេះ
testers-counts = នៅលើទូរសព្ទនេះ៖ { $waiting } កំពុងរង់ចាំ { $sent } បានផ្ញើ { $rejected } មិនត្រូវបានទទួលយក
testers-saved = បានរក្សាទុក។
testers-bad-server = សូមបញ្ចូលអាសយដ្ឋានដែលចាប់ផ្តើមដោយ http:// ឬ https://។
testers-https-only = កំណែនេះផ្ញើតែទៅអាសយដ្ឋានដែលចាប់ផ្តើមដោយ https:// ប៉ុណ្ណោះ។

## ចាក់សោកម្មវិធី
lock-title = សំឡេងយើង ត្រូវបានចាក់សោ
lock-enter = ចុចលេខសម្ងាត់របស់អ្នក
lock-open = បើក
lock-wrong = លេខសម្ងាត់មិនត្រូវទេ។ សូមព្យាយាមម្តងទៀត។
lock-wait-seconds = លេខសម្ងាត់មិនត្រូវទេ។ សូមរង់ចាំ { $count } វិនាទី ហើយព្យាយាមម្តងទៀត។
lock-wait-minutes = លេខសម្ងាត់មិនត្រូវទេ។ សូមរង់ចាំ { $count } នាទី ហើយព្យាយាមម្តងទៀត។
lock-forgot = ខ្ញុំភ្លេចលេខសម្ងាត់
lock-forgot-help = គ្មាននរណាអាចបើកកម្មវិធីនេះបានដោយគ្មានលេខសម្ងាត់ទេ ហើយក៏គ្មាននរណាអាចផ្ញើវាមកអ្នកវិញបានដែរ។ មានតែវិធីមួយគត់៖ លុបទិន្នន័យរបស់កម្មវិធីនេះ នៅក្នុងការកំណត់របស់ទូរសព្ទ (ការកំណត់ → កម្មវិធី → សំឡេងយើង → ទំហំផ្ទុក → លុបទិន្នន័យ)។ ធ្វើដូច្នេះ លេខសម្ងាត់ និងអ្វីៗទាំងអស់ដែលកម្មវិធីរក្សាទុកនៅលើទូរសព្ទនេះនឹងបាត់៖ មតិដែលមិនទាន់បានផ្ញើនឹងបាត់ ហើយបញ្ជីមតិរបស់អ្នកក៏បាត់ដែរ។
lock-forgot-kept = អ្វីដែលការិយាល័យបានទទួលរួចហើយ នៅតែមាននៅការិយាល័យ។ សូមកត់ទុកលេខកូដតាមដានរបស់អ្នក នៅកន្លែងមានសុវត្ថិភាព។
pin-delete = លុបលេខចុងក្រោយ
pin-entered = បានចុច { $count } លេខ
lock-settings-title = ចាក់សោកម្មវិធីដោយលេខសម្ងាត់
lock-settings-off = ដាក់លេខសម្ងាត់ ដើម្បីកុំឱ្យអ្នកផ្សេងបើកមើលមតិរបស់អ្នកនៅលើទូរសព្ទនេះបាន។
lock-settings-on = កម្មវិធីនឹងសួររកលេខសម្ងាត់របស់អ្នក ពេលបើក និងពេលអ្នកត្រឡប់មកវិញក្រោយពេលមួយរយៈ។
lock-set = ដាក់លេខសម្ងាត់
lock-change = ប្តូរលេខសម្ងាត់
lock-remove = ដកលេខសម្ងាត់ចេញ
lock-remove-ok = ដកចេញ
lock-cancel = បោះបង់
lock-current = ចុចលេខសម្ងាត់របស់អ្នកឥឡូវនេះ
lock-choose = ជ្រើសរើសលេខសម្ងាត់ ៤ ទៅ ៦ ខ្ទង់
lock-again = ចុចលេខសម្ងាត់ដដែលម្តងទៀត
lock-next = បន្ទាប់
lock-save = រក្សាទុក
lock-mismatch = លេខសម្ងាត់ទាំងពីរមិនដូចគ្នាទេ។ សូមជ្រើសរើសលេខសម្ងាត់ម្តងទៀត។
lock-saved = បានរក្សាទុកលេខសម្ងាត់។ កម្មវិធីនឹងសួររកវា ពេលបើក។
lock-removed = បានដកលេខសម្ងាត់ចេញ។ កម្មវិធីបើកដោយមិនសួររកលេខសម្ងាត់ទៀតទេ។
form-phone-title = នៅលើទូរសព្ទនេះ
form-hide-text = លាក់អ្វីដែលខ្ញុំសរសេរ នៅលើទូរសព្ទនេះ ពេលការិយាល័យទទួលបានហើយ
form-hide-text-hint = សម្រាប់ទូរសព្ទដែលអ្នកផ្សេងក៏ប្រើដែរ។ អ្នកនៅតែឃើញថារឿងនេះដល់ណាហើយ និងចម្លើយរបស់ការិយាល័យ។
review-text-hidden-later = លាក់នៅលើទូរសព្ទនេះ ពេលការិយាល័យទទួលបានហើយ
review-text-kept = រក្សាទុកនៅលើទូរសព្ទនេះ
detail-text-hidden = អ្វីដែលអ្នកបានសរសេរ ត្រូវបានលាក់នៅលើទូរសព្ទនេះ។

## កំហុស
error-malformed = មិនអាចអានអ្វីដែលបានសរសេរនៅទីនេះបានទេ។
error-id_invalid = មតិនេះមានលេខសម្គាល់ខូច។ សូមសរសេរម្តងទៀត។
error-place_unknown = សូមជ្រើសរើសទីកន្លែង ឬការិយាល័យពីបញ្ជី។
error-category_unknown = សូមជ្រើសរើសសេវាពីបញ្ជី។
error-category_not_offered = ការិយាល័យនេះមិនផ្តល់សេវានោះទេ។ សូមជ្រើសរើសសេវា ឬការិយាល័យផ្សេង។
error-description_required = សូមសរសេរពាក្យខ្លះ ឬថតសំឡេងរបស់អ្នក។
error-description_too_long = វែងពេក៖ យ៉ាងច្រើន { $max } តួអក្សរ។
error-evaluation_required = សូមផ្តល់ការវាយតម្លៃជារួម។
error-evaluation_not_allowed = ការដាក់ផ្កាយគឺសម្រាប់តែការវាយតម្លៃប៉ុណ្ណោះ។
error-rating_out_of_range = សូមជ្រើសរើសពី ១ ដល់ ៥ ផ្កាយ។
error-incident_date_in_future = ថ្ងៃនោះមិនទាន់មកដល់ទេ។ សូមជ្រើសថ្ងៃនេះ ឬថ្ងៃមុន។
error-date-parts = សូមជ្រើសថ្ងៃដែលមានពិត៖ ថ្ងៃ ខែ និងឆ្នាំ ឬមិនជ្រើសទាំងបី។
error-name_required = សូមសរសេរឈ្មោះរបស់អ្នក ឬជ្រើសរើស «មិនដាក់ឈ្មោះ»។
error-name_too_long = ឈ្មោះវែងពេក។
error-phone_required = សូមសរសេរលេខទូរសព្ទរបស់អ្នក ឬជ្រើសរើស «មិនដាក់ឈ្មោះ»។
error-phone_invalid = នេះមិនមែនជាលេខទូរសព្ទកម្ពុជាទេ (ឧទាហរណ៍ ០១២ ៣៤៥ ៦៧៨)។
error-secret_invalid = មិនអាចរៀបចំមតិនេះបានទេ។ សូមសរសេរម្តងទៀត។
error-app_version_invalid = សូមធ្វើបច្ចុប្បន្នភាពកម្មវិធី។
error-publish_not_allowed = មិនអាចបង្ហាញអ្វីដែលអ្នកសរសេរឱ្យអ្នកដទៃឃើញបានទេ សម្រាប់បណ្តឹងអំពីបុគ្គលិកការិយាល័យ មតិសម្ងាត់ ឬការវាយតម្លៃ។
error-attachments_too_many = រូបថតយ៉ាងច្រើន ៣ និងសារសំឡេង ១ ប៉ុណ្ណោះ។
error-attachment_invalid = មិនអាចផ្ញើរូបថត ឬសារសំឡេងមួយបានទេ។ សូមដកវាចេញ ហើយដាក់ម្តងទៀត។
error-no_figures_yet = មិនទាន់មានតួលេខនៅឡើយទេ។ តួលេខត្រូវរៀបចំម្តងក្នុងមួយថ្ងៃ៖ សូមមើលម្តងទៀតនៅថ្ងៃស្អែក។
error-storage = ទូរសព្ទនេះមិនអាចរក្សាទុកមតិរបស់អ្នកបានទេ។ គ្មានអ្វីបាត់បង់ទេ៖ អត្ថបទរបស់អ្នកនៅទីនេះដដែល។ សូមបង្កើនទំហំផ្ទុក ហើយព្យាយាមម្តងទៀត។
error-storage-open = ទូរសព្ទនេះមិនអាចបើកកន្លែងផ្ទុកទិន្នន័យរបស់កម្មវិធីបានទេ។ សូមបើកកម្មវិធីឡើងវិញ។
error-storage-read = ទូរសព្ទនេះមិនអាចអានកន្លែងផ្ទុកទិន្នន័យរបស់កម្មវិធីបានទេ។ គ្មានអ្វីត្រូវបានលុបទេ។ សូមបើកកម្មវិធីឡើងវិញ។
error-storage-setting = ទូរសព្ទនេះមិនអាចរក្សាទុកជម្រើសនេះបានទេ។ សូមលុបរូបថត ឬកម្មវិធីខ្លះចេញ ដើម្បីឱ្យមានកន្លែងទំនេរ ហើយព្យាយាមម្តងទៀត។
error-storage-delete = ទូរសព្ទនេះមិនអាចលុបមតិដែលបានផ្ញើបានទេ។ គ្មានអ្វីត្រូវបានលុបទេ។ សូមព្យាយាមម្តងទៀត។
error-not-found = មតិនេះលែងមាននៅលើទូរសព្ទនេះទៀតហើយ។
error-dismiss = យល់ព្រម

## ខែ
month-1 = មករា
month-2 = កុម្ភៈ
month-3 = មីនា
month-4 = មេសា
month-5 = ឧសភា
month-6 = មិថុនា
month-7 = កក្កដា
month-8 = សីហា
month-9 = កញ្ញា
month-10 = តុលា
month-11 = វិច្ឆិកា
month-12 = ធ្នូ
date-long = ថ្ងៃទី{ $day } ខែ{ $month } ឆ្នាំ{ $year }

## The tracking code: copy, share, read aloud
code-copy = ចម្លងលេខកូដ
code-share = ចែករំលែក
code-copied = បានចម្លងហើយ។ អ្នកអាចបិទភ្ជាប់វាក្នុងសារ។
code-not-copied = មិនអាចចម្លងបានទេ។ សូមសរសេរលេខកូដនេះទុក ឬថតរូបអេក្រង់។
code-shared = បានចែករំលែកហើយ។
code-no-confusion = លេខកូដនេះ គ្មានអក្សរ O ឬ I ហើយគ្មានលេខ 0 ឬ 1 ទេ។
code-share-text = លេខកូដតាមដាន សំឡេងយើង របស់ខ្ញុំ៖ { $code }

## What happens next, and how to reach the office
detail-conversation = សារអំពីមតិនេះ
detail-conversation-empty = មិនទាន់មានសារពីការិយាល័យនៅឡើយ។
detail-from-office = ការិយាល័យ
message-question = សំណួរ
message-answer = ចម្លើយ
detail-from-you = អ្នក
detail-answer-by = ការិយាល័យគួរឆ្លើយមកអ្នក មុន{ $date }។
detail-answer-late = ការិយាល័យគួរឆ្លើយមកអ្នក មុន{ $date }។ ចម្លើយយឺតហើយ។
detail-escalates-to = បើមិនឆ្លើយទាន់ពេល មតិរបស់អ្នកនឹងទៅ{ $office } ដែលពិនិត្យរឿងឆ្លើយយឺត។
detail-office-phone = លេខទូរសព្ទ
detail-office-hours = ម៉ោងធ្វើការ

## Photos and voice message on the form
evidence-title = រូបថត និងសំឡេង
evidence-hint = រូបថតទីកន្លែង ឬបង្កាន់ដៃ ជួយការិយាល័យឱ្យយល់។ បើពិបាកសរសេរ អ្នកអាចនិយាយជំនួសបាន។
evidence-take-photo = ថតរូប
evidence-choose-photo = ជ្រើសរូបថត
evidence-photos-full = អ្នកបានដាក់រូបថត { $max } សន្លឹកហើយ ដែលជាចំនួនច្រើនបំផុត។
evidence-photo-alt = រូបថតទី { $n }
evidence-remove-photo = ដករូបថតនេះចេញ
evidence-preparing = កំពុងរៀបចំរូបថត…
evidence-record = ថតសំឡេងរបស់អ្នក (យ៉ាងយូរ { $minutes } នាទី)
evidence-recording = កំពុងថតសំឡេង… { $time } / { $max }
evidence-stop = ឈប់ថត
evidence-voice-ready = សារសំឡេងរបស់អ្នក។ សូមស្តាប់វាមុនពេលផ្ញើ។
evidence-voice-play = ស្តាប់សារសំឡេងរបស់អ្នក
evidence-record-again = ថតម្តងទៀត
evidence-remove-voice = លុបសារសំឡេងចេញ
evidence-error-not-media = នេះមិនមែនជារូបថតដែលអាចផ្ញើបានទេ។ សូមជ្រើសរូបថតផ្សេង។
evidence-error-too-large = ឯកសារនេះធំពេក ឬវែងពេក មិនអាចផ្ញើបានទេ។
evidence-error-unreadable = ឯកសារនេះខូច មិនអាចបើកបានទេ។
evidence-error-microphone = មិនអាចប្រើមីក្រូហ្វូនបានទេ។ សូមអនុញ្ញាតក្នុងការកំណត់ទូរស័ព្ទ ឬសរសេរជំនួសវិញ។
evidence-error-no-recorder = ទូរស័ព្ទនេះមិនអាចថតសារសំឡេងនៅទីនេះបានទេ។ សូមសរសេរជំនួសវិញ។
review-photos-public = អ្នកណាក៏អាចមើលរូបថតរបស់អ្នកបានដែរ។ មានតែការិយាល័យទេ ដែលស្តាប់សារសំឡេងរបស់អ្នក។
review-evidence-private = មានតែការិយាល័យដែលដោះស្រាយរឿងនេះទេ ដែលមើលរូបថត និងស្តាប់សារសំឡេងរបស់អ្នក។

## An item's photos and voice message, on its page
attachment-photo = រូបថតទី { $n } ក្នុងចំណោម { $total }
attachment-voice = សារសំឡេង
attachment-percent = { $percent }%
attachment-waiting = រង់ចាំផ្ញើ
attachment-sending = កំពុងផ្ញើ…
attachment-received = ការិយាល័យបានទទួលហើយ
attachment-refused = មិនអាចផ្ញើបានទេ។
attachment-refusal-mismatch = វាខូចនៅតាមផ្លូវ ឬនៅលើទូរស័ព្ទនេះ។
attachment-refusal-not_media = វាមិនមែនជារូបថត ឬសារសំឡេងដែលការិយាល័យអាចទទួលបានទេ។
attachment-refusal-too_large = វាធំពេក ឬវែងពេក។

## ការិយាល័យឆ្លើយតបយ៉ាងណា៖ តួលេខសាធារណៈ (១២ ខែចុងក្រោយ)
scorecard-title = តើការិយាល័យនេះឆ្លើយតបយ៉ាងដូចម្តេច?
scorecard-open = តើការិយាល័យនេះឆ្លើយតបយ៉ាងដូចម្តេច?
scorecard-open-short = ពិន្ទុ
scorecard-open-for = តើ{ $office } ឆ្លើយតបយ៉ាងដូចម្តេច?
scorecard-loading = កំពុងយកតួលេខ…
scorecard-up-to = តួលេខរយៈពេល ១២ ខែ រហូតដល់{ $day }
scorecard-updated-today = បានយកមកចុងក្រោយនៅថ្ងៃនេះ
scorecard-updated-yesterday = បានយកមកចុងក្រោយកាលពីម្សិលមិញ
scorecard-updated-days = បានយកមកចុងក្រោយកាលពី { $count } ថ្ងៃមុន
scorecard-offline-kept = គ្មានអ៊ីនធឺណិត៖ នេះជាតួលេខដែលរក្សាទុកនៅលើទូរសព្ទនេះ។
scorecard-unavailable-kept = មិនអាចយកតួលេខថ្មីបានទេឥឡូវនេះ៖ នេះជាតួលេខដែលរក្សាទុកនៅលើទូរសព្ទនេះ។
scorecard-offline-none = គ្មានអ៊ីនធឺណិត ហើយទូរសព្ទនេះមិនទាន់មានតួលេខរបស់ការិយាល័យនេះនៅឡើយទេ។ សូមព្យាយាមម្តងទៀតពេលមានអ៊ីនធឺណិត។ អ្វីដែលអ្នកបានសរសេរមិនបាត់ទេ។
scorecard-unavailable-none = មិនអាចបង្ហាញតួលេខបានទេឥឡូវនេះ។ សូមព្យាយាមម្តងទៀតពេលក្រោយ។ អ្វីដែលអ្នកបានសរសេរមិនបាត់ទេ។
scorecard-retry = ព្យាយាមម្តងទៀត
scorecard-none-yet = មិនទាន់មានតួលេខនៅឡើយទេ
scorecard-none-yet-why = តួលេខនឹងបង្ហាញ នៅពេលមានមនុស្សយ៉ាងតិច ៥ នាក់បានផ្ញើមតិមកការិយាល័យនេះ។ តួលេខត្រូវរៀបចំម្តងក្នុងមួយថ្ងៃ។
scorecard-unknown-office = សំឡេងយើងមិនមានតួលេខសម្រាប់ការិយាល័យនេះទេ។
scorecard-hidden = តិចជាង ៥ នាក់ — មិនបង្ហាញ
scorecard-hidden-protect = មិនបង្ហាញ ដើម្បីការពារពួកគេ
scorecard-times = { $how ->
    [never] មិនដែលសោះ
    [less] តិចជាង ១ ដងក្នុងចំណោម ១០ ដង
    [almost] ស្ទើរតែគ្រប់ដង
    [all] គ្រប់ដង
   *[some] { $n } ដងក្នុងចំណោម ១០ ដង
}
scorecard-from-people = (ពីមនុស្ស { $count } នាក់)
scorecard-within-days = { $how ->
    [day] ក្នុងរយៈពេលមួយថ្ងៃ
   *[days] ក្នុងរយៈពេល { $days } ថ្ងៃ
}
scorecard-stars-value = { $stars } ផ្កាយ ក្នុងចំណោម ៥ ({ $count } នាក់បានវាយតម្លៃ)
scorecard-section-answers = តើការិយាល័យនេះឆ្លើយទេ?
scorecard-answered = ផ្តល់ចម្លើយ
scorecard-within-deadline = ឆ្លើយទាន់ពេលកំណត់
scorecard-first-answer = ពាក់កណ្តាលនៃអ្នកផ្ញើ បានទទួលចម្លើយដំបូង
scorecard-closed = ពាក់កណ្តាលនៃរឿង ត្រូវបានបិទ
scorecard-section-ratings = ពលរដ្ឋគិតយ៉ាងណាចំពោះការិយាល័យនេះ
scorecard-rating = ពលរដ្ឋដាក់ពិន្ទុ
scorecard-section-extra = ការសុំប្រាក់បន្ថែម
scorecard-extra-payment = ត្រូវគេសុំឱ្យបង់លើសតម្លៃដែលបានបិទផ្សាយ
scorecard-extra-who = តាមអ្វីដែលអ្នកដាក់បណ្តឹងបានប្រាប់។
scorecard-section-sent = អ្វីដែលពលរដ្ឋបានផ្ញើ
scorecard-sent-total = សរុប
scorecard-escalated = បានបញ្ជូនទៅការិយាល័យថ្នាក់លើ
scorecard-section-quarters = រៀងរាល់ ៣ ខែ
scorecard-month = ខែ{ $month } ឆ្នាំ{ $year }
scorecard-months = ខែ{ $first } – ខែ{ $last } ឆ្នាំ{ $year }
scorecard-section-compare = ប្រៀបធៀបនឹងការិយាល័យប្រភេទដូចគ្នា
scorecard-among-district = ការិយាល័យប្រភេទដូចគ្នាផ្សេងទៀតក្នុងស្រុក ({ $count })
scorecard-among-province = ការិយាល័យប្រភេទដូចគ្នាផ្សេងទៀតក្នុងខេត្ត ({ $count })
scorecard-among-national = ការិយាល័យប្រភេទដូចគ្នាផ្សេងទៀតទូទាំងប្រទេស ({ $count })
scorecard-compare-answered = { $how ->
    [more] ផ្តល់ចម្លើយញឹកញាប់ជាងការិយាល័យទាំងនោះជាធម្មតា (ជាធម្មតា { $theirs })
    [less] ផ្តល់ចម្លើយតិចជាងការិយាល័យទាំងនោះជាធម្មតា (ជាធម្មតា { $theirs })
    [same] ផ្តល់ចម្លើយដូចការិយាល័យទាំងនោះជាធម្មតា (ជាធម្មតា { $theirs })
   *[theirs] ការិយាល័យទាំងនោះជាធម្មតាផ្តល់ចម្លើយ { $theirs }
}
scorecard-compare-deadline = { $how ->
    [more] ឆ្លើយទាន់ពេលកំណត់ញឹកញាប់ជាងការិយាល័យទាំងនោះជាធម្មតា (ជាធម្មតា { $theirs })
    [less] ឆ្លើយទាន់ពេលកំណត់តិចជាងការិយាល័យទាំងនោះជាធម្មតា (ជាធម្មតា { $theirs })
    [same] ឆ្លើយទាន់ពេលកំណត់ដូចការិយាល័យទាំងនោះជាធម្មតា (ជាធម្មតា { $theirs })
   *[theirs] ការិយាល័យទាំងនោះជាធម្មតាឆ្លើយទាន់ពេលកំណត់ { $theirs }
}
scorecard-compare-days = { $how ->
    [faster] ផ្តល់ចម្លើយដំបូងលឿនជាងការិយាល័យទាំងនោះជាធម្មតា (ជាធម្មតាពាក់កណ្តាល { $theirs })
    [slower] ផ្តល់ចម្លើយដំបូងយឺតជាងការិយាល័យទាំងនោះជាធម្មតា (ជាធម្មតាពាក់កណ្តាល { $theirs })
    [same] ផ្តល់ចម្លើយដំបូងលឿនដូចការិយាល័យទាំងនោះជាធម្មតា (ជាធម្មតាពាក់កណ្តាល { $theirs })
   *[theirs] ការិយាល័យទាំងនោះជាធម្មតាផ្តល់ចម្លើយដំបូងពាក់កណ្តាល { $theirs }
}
scorecard-compare-rating = { $how ->
    [more] ត្រូវបានដាក់ពិន្ទុខ្ពស់ជាងការិយាល័យទាំងនោះជាធម្មតា (ជាធម្មតា { $theirs } ក្នុងចំណោម ៥)
    [less] ត្រូវបានដាក់ពិន្ទុទាបជាងការិយាល័យទាំងនោះជាធម្មតា (ជាធម្មតា { $theirs } ក្នុងចំណោម ៥)
    [same] ត្រូវបានដាក់ពិន្ទុដូចការិយាល័យទាំងនោះជាធម្មតា (ជាធម្មតា { $theirs } ក្នុងចំណោម ៥)
   *[theirs] ការិយាល័យទាំងនោះជាធម្មតាទទួលបានពិន្ទុ { $theirs } ក្នុងចំណោម ៥
}
scorecard-section-people = អ្នកណាខ្លះបានផ្ញើ
scorecard-people-gender = តាមភេទ
scorecard-people-age = តាមអាយុ
scorecard-people-disability = តាមពិការភាព
scorecard-group-not-given = មិនបានប្រាប់
scorecard-group-gender-female = ស្ត្រី
scorecard-group-gender-male = បុរស
scorecard-group-gender-other = ផ្សេងទៀត
scorecard-group-gender-prefer_not_to_say = មិនចង់ប្រាប់
scorecard-group-age-under_18 = អាយុក្រោម ១៨ ឆ្នាំ
scorecard-group-age-18_24 = អាយុ ១៨–២៤ ឆ្នាំ
scorecard-group-age-25_34 = អាយុ ២៥–៣៤ ឆ្នាំ
scorecard-group-age-35_44 = អាយុ ៣៥–៤៤ ឆ្នាំ
scorecard-group-age-45_54 = អាយុ ៤៥–៥៤ ឆ្នាំ
scorecard-group-age-55_64 = អាយុ ៥៥–៦៤ ឆ្នាំ
scorecard-group-age-65_plus = អាយុ ៦៥ ឆ្នាំ ឬលើស
scorecard-group-age-prefer_not_to_say = មិនចង់ប្រាប់
scorecard-group-disability-yes = ជនមានពិការភាព
scorecard-group-disability-no = អ្នកគ្មានពិការភាព
scorecard-group-disability-prefer_not_to_say = មិនចង់ប្រាប់
scorecard-group-sent = បានផ្ញើ
scorecard-licence = តួលេខពីសំឡេងយើង អាចចែករំលែកបានដោយសេរី ({ $licence })។ តួលេខទាំងនេះមិនដែលបង្ហាញថានរណាបានសរសេរ ឬសរសេរអ្វីទេ។
date-day-month = ថ្ងៃទី{ $day } ខែ{ $month }
