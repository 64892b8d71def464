// Times: the API speaks RFC 3339 with an offset; people read local "YYYY-MM-DD HH:mm".
import dayjs from 'dayjs'

export function fmtTime(s) {
  return s ? dayjs(s).format('YYYY-MM-DD HH:mm') : '—'
}

// the time of day alone, "HH:mm", where a column has no room for the date (the roster on a phone)
export function fmtClock(s) {
  return s ? dayjs(s).format('HH:mm') : '—'
}

// What el-date-picker hands back (value-format below) is already RFC 3339 with the offset.
export const PICKER_FORMAT = 'YYYY-MM-DDTHH:mm:ssZ'

export function fen2yuan(c) {
  return (Number(c) / 100).toFixed(2)
}
