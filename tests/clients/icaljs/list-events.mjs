// Fetch a feed over HTTP and list its events as ical.js (Thunderbird's parser) reads them.
// usage: node list-events.mjs URL FROM TO   (dates YYYY-MM-DD; TO exclusive)
// prints JSON: {contentType, events: [{uid, summary, start, end, allDay}]}, the occurrences
// that overlap [FROM, TO), recurring events expanded as a calendar app would.
import ICAL from "ical.js";

const [url, from, to] = process.argv.slice(2);
const response = await fetch(url);
if (!response.ok) {
  console.error(`GET ${url}: ${response.status}`);
  process.exit(1);
}
const contentType = response.headers.get("content-type");
const calendar = new ICAL.Component(ICAL.parse(await response.text()));
const windowStart = ICAL.Time.fromDateString(from);
const windowEnd = ICAL.Time.fromDateString(to);
const events = [];
for (const vevent of calendar.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  const length = event.duration;
  const iterator = event.iterator();
  for (let start = iterator.next(); start; start = iterator.next()) {
    if (start.compare(windowEnd) >= 0) break;
    const end = start.clone();
    end.addDuration(length);
    if (end.compare(windowStart) > 0) {
      events.push({
        uid: event.uid,
        summary: event.summary,
        start: start.toString(),
        end: end.toString(),
        allDay: start.isDate && end.isDate,
      });
    }
    if (!event.isRecurring()) break;
  }
}
console.log(JSON.stringify({ contentType, events }));
