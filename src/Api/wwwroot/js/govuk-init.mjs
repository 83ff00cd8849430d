// Progressive enhancement of the registration form: GOV.UK Frontend's components (conditional
// questions, error summary focus). The form works without this file; the classes tell the CSS
// that JavaScript runs (GOV.UK Frontend only enhances when the body says it is supported).
import { initAll } from '/assets/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
