// The figures of StatsFigures as rows {key, name, value, target, met} for a table: `met` is
// true, false, or null when the policy documents set no numeric target.
import { t } from '../../strings.js'

const d = t.dashboard

export function figureRows(f) {
  if (!f) return []
  const pct = (x) => `${Math.round(Number(x) * 1000) / 10}%`
  return [
    { key: 'orgs_filed', name: d.orgsFiled, value: f.orgs_filed.value, target: f.orgs_filed.target, met: f.orgs_filed.met },
    { key: 'social_workers', name: d.socialWorkers, value: f.social_workers.value, target: f.social_workers.target, met: f.social_workers.met },
    {
      key: 'activity_rate',
      name: d.activityRate,
      value: `${pct(f.activity_rate.value)}（${f.activity_rate.active_orgs}/${f.activity_rate.filed_orgs}）`,
      target: pct(f.activity_rate.target),
      met: f.activity_rate.met,
    },
    { key: 'professional', name: d.professional, value: f.projects.professional.value, target: f.projects.professional.target, met: f.projects.professional.met },
    { key: 'micro_venture', name: d.microVenture, value: f.projects.micro_venture.value, target: f.projects.micro_venture.target, met: f.projects.micro_venture.met },
    { key: 'activities_held', name: d.activitiesHeld, value: f.activities_held.value, target: null, met: null },
    { key: 'volunteers_active', name: d.volunteersActive, value: f.volunteers_active.value, target: null, met: null },
    { key: 'service_hours', name: d.serviceHours, value: f.service_hours.value, target: null, met: null },
    {
      key: 'satisfaction',
      name: d.satisfaction,
      value: f.satisfaction.value === null ? '—' : `${Number(f.satisfaction.value).toFixed(2)}（${d.ratings} ${f.satisfaction.ratings}）`,
      target: null,
      met: null,
    },
  ]
}

// Saves a Blob as a file through a temporary link (the CSV needs the token, so no plain href).
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
