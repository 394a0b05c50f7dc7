// What the school set (managed.js), on the options page and in the popup: the class server
// with a link to the dashboard, whose join form it pre-fills (joining stays the student's
// own choice, made there); the role; a "set by your school" sentence beside each control the
// school fixed, which is disabled; and each policy value this version could not use.
import { dashboardLink } from './managed.js';

function paragraph(text) {
  const p = document.createElement('p');
  p.textContent = text;
  return p;
}

// Fills the #school box, or hides it when the school set nothing. The popup (compact) shows
// only the class server and the dashboard link; the options page all of it.
export function showSchool(box, catalog, settings, { compact = false } = {}) {
  const invalid = compact ? [] : settings.managedInvalid || [];
  box.replaceChildren();
  if (!compact && settings.managed.length) box.append(paragraph(catalog.t('managedNote')));
  if (!compact && settings.role) {
    const role = settings.role === 'teacher' ? catalog.t('dashboard_role_teacher') : catalog.t('dashboard_role_student');
    box.append(paragraph(catalog.t('managedRole', { role })));
  }
  for (const { name, value } of invalid) {
    const p = paragraph(catalog.t('managedInvalid', { name, value }));
    p.className = 'invalid';
    box.append(p);
  }
  if (settings.classServer) {
    box.append(paragraph(catalog.t('managedClassServer', { server: settings.classServer })));
    if (!compact && settings.joinCode) box.append(paragraph(catalog.t('managedJoinCode', { code: settings.joinCode })));
    if (!compact) box.append(paragraph(catalog.t('managedJoinConsent')));
    const link = document.createElement('a');
    link.id = 'open-dashboard';
    link.href = dashboardLink(settings);
    link.target = '_blank';
    link.rel = 'noopener';
    link.textContent = catalog.t('openDashboard');
    box.append(link);
  }
  box.classList.toggle('hidden', box.childElementCount === 0);
  box.dataset.managed = settings.managed.join(',');
}

// The options page: the #school box, and each fixed control disabled with the sentence.
export function showManagedOptions(catalog, settings) {
  showSchool(document.getElementById('school'), catalog, settings);
  const controls = {
    lang: [document.getElementById('lang')],
    daemonUrl: [document.getElementById('daemon-url')],
    disabledSites: [...document.getElementById('sites').querySelectorAll('input')],
  };
  for (const [name, elements] of Object.entries(controls)) {
    if (!settings.managed.includes(name) || !elements.length) continue;
    for (const element of elements) element.disabled = true;
    const note = paragraph(catalog.t('managedSetting'));
    note.classList.add('note', 'managed-note');
    note.dataset.setting = name;
    const anchor = name === 'disabledSites' ? document.getElementById('sites') : elements[0].closest('label') ?? elements[0];
    anchor.before(note);
  }
}
