// searchapp search page: plain JS, no build step. The URL holds the whole state
// (q, outlet, person, date_from, date_to, sort, page, more, article, and one parameter
// per declared facet field, e.g. topic), so the back button and shared links work; every
// change goes through setState -> render.
"use strict";

const API = "/api/v1";
const PER_PAGE = 10;
const FACET_SIZE = 8;
const FACET_SIZE_MORE = 50;
const SLOW_MS = 2500;
const DEFAULT_TITLE = "searchapp — news search";

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    // Through CSSOM: the Content-Security-Policy forbids style attributes.
    else if (key === "style") Object.assign(node.style, value);
    else if (key === "html") node.innerHTML = value; // only for API snippets (escaped, <mark>)
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

// An article's link, only when it is an absolute http(s) URL (the API filters too): a
// javascript: link would run in this page's origin.
function safeLink(url) {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch (_) {
    return null;
  }
}

// ---- state <-> URL ------------------------------------------------------------------
const PAGE_PARAMS = ["q", "outlet", "person", "date_from", "date_to", "sort", "page", "more",
  "article", "collapse"];
const CORE_FACETS = ["outlet", "person", "date"];

// Any other parameter is a filter on a facet field the index declares (topic, lean...).
function declaredFilters(params) {
  const fields = {};
  for (const name of new Set(params.keys())) {
    if (!PAGE_PARAMS.includes(name)) fields[name] = params.getAll(name);
  }
  return fields;
}

function selectedValues(state, facet) {
  return (facet === "outlet" || facet === "person" ? state[facet] : state.fields[facet]) || [];
}

// The setState changes that make `values` the selection of `facet`.
function selecting(state, facet, values) {
  return facet === "outlet" || facet === "person" ? { [facet]: values }
    : { fields: { ...state.fields, [facet]: values } };
}

function readState() {
  const params = new URLSearchParams(location.search);
  return {
    q: params.get("q") || "",
    outlet: params.getAll("outlet"),
    person: params.getAll("person"),
    date_from: params.get("date_from") || "",
    date_to: params.get("date_to") || "",
    sort: params.get("sort") || "relevance",
    page: Math.max(1, parseInt(params.get("page") || "1", 10) || 1),
    more: params.getAll("more"),
    article: params.get("article") || "",
    collapse: params.get("collapse") === "story",
    fields: declaredFilters(params),
  };
}

// The query and filters, the same in the page URL and in the API request.
function searchParams(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  state.outlet.forEach((v) => params.append("outlet", v));
  state.person.forEach((v) => params.append("person", v));
  if (state.date_from) params.set("date_from", state.date_from);
  if (state.date_to) params.set("date_to", state.date_to);
  for (const [name, values] of Object.entries(state.fields || {})) {
    values.forEach((v) => params.append(name, v));
  }
  return params;
}

function stateToParams(state) {
  const params = searchParams(state);
  if (state.sort !== "relevance") params.set("sort", state.sort);
  if (state.collapse) params.set("collapse", "story");
  if (state.page > 1) params.set("page", String(state.page));
  state.more.forEach((v) => params.append("more", v));
  if (state.article) params.set("article", state.article);
  return params;
}

function setState(changes, { resetPage = true } = {}) {
  const state = { ...readState(), ...changes };
  if (resetPage && !("page" in changes)) state.page = 1;
  const query = stateToParams(state).toString();
  history.pushState(null, "", query ? `?${query}` : location.pathname);
  render();
}

// ---- API --------------------------------------------------------------------------------
let inflight = null;
// "Why here" asks for the shown results again with explain=true when it is first opened:
// explaining costs about a third more per search, which only the curious should pay.
let explained = { params: null, answer: null };

// An API error as a sentence for the reader, not the JSON it came in.
class ApiError extends Error {
  constructor(status, body) {
    super(describeError(status, body));
    this.status = status;
  }
}

function describeError(status, body) {
  if (status === 422 && body && body.errors) {
    const problems = [];
    for (const fields of Object.values(body.errors)) {
      for (const [name, messages] of Object.entries(fields || {})) {
        const text = Array.isArray(messages) ? messages.flat(2).join(" ")
          : typeof messages === "object" ? Object.values(messages).flat(2).join(" ") : String(messages);
        problems.push(`${FIELD_NAMES[name] || name}: ${text}`);
      }
    }
    return `Part of this search is not valid. ${problems.join("; ")}`;
  }
  if (status === 404) return "It is not in the index (it may have been removed since).";
  if (status === 503) return "The server is busy or the index is being set up. Try again in a few seconds.";
  if (status === 429) return "Too many requests at once. Try again in a few seconds.";
  if (status >= 500) return "The server had a problem answering. Try again, or change the query.";
  return (body && body.message) || `The server answered ${status}.`;
}

const FIELD_NAMES = { q: "Query", page: "Page", per_page: "Results per page", sort: "Sort",
  date_from: "From date", date_to: "To date", outlet: "Outlet", person: "Person" };

async function getJSON(path, params) {
  const url = `${API}${path}${params && params.toString() ? `?${params}` : ""}`;
  let response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" } });
  } catch (_) {
    throw new Error("The server could not be reached. Check the connection and try again.");
  }
  let body = null;
  try { body = await response.json(); } catch (_) { /* not JSON */ }
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

function showStatus(text, kind = "") {
  const status = $("#status");
  status.hidden = !text;
  status.textContent = text || "";
  status.className = `status ${kind}`;
}

// ---- rendering --------------------------------------------------------------------------
async function render() {
  const state = readState();
  $("#search-view").hidden = Boolean(state.article);
  $("#article-view").hidden = !state.article;
  if (state.article) return renderArticle(state);
  return renderSearch(state);
}

async function renderSearch(state) {
  document.title = state.q ? `${state.q} — searchapp` : DEFAULT_TITLE;
  $("#q").value = state.q;
  $("#sort").value = state.sort;
  // one result per story ranks each story by its best copy: with relevance sort only
  const collapse = state.collapse && state.sort === "relevance";
  $("#collapse").checked = collapse;
  $("#collapse").disabled = state.sort !== "relevance";
  const params = searchParams(state);
  params.set("sort", state.sort);
  if (collapse) params.set("collapse", "story");
  params.set("page", String(state.page));
  params.set("per_page", String(PER_PAGE));
  // one more than shown, so "Show more" appears only when there is more
  params.set("facet_size", String(state.more.length ? FACET_SIZE_MORE : FACET_SIZE + 1));

  const ticket = {};
  inflight = ticket;
  document.body.setAttribute("aria-busy", "true");
  const slow = setTimeout(() => {
    if (inflight === ticket) showStatus("Still searching… the server is taking longer than usual.");
  }, SLOW_MS);
  try {
    const data = await getJSON("/search", params);
    if (inflight !== ticket) return; // a newer search replaced this one
    explained = { params, answer: null };
    state = adoptCanonicalFilters(state, data.facets);
    showStatus("");
    renderDrawerCount(data);
    renderSummary(data, state);
    renderSuggestion(data);
    renderActiveFilters(state);
    renderResults(data, state, ticket);
    renderPager(data, state);
    renderFacet("outlet", data.facets.outlet || [], state);
    renderFacet("person", data.facets.person || [], state);
    renderDeclaredFacets(data.facets, state);
    renderHistogram(data.facets.date || [], data.date_interval, state, data.total);
    renderDownload(state);
    if ($("#timeline-panel").open) drawTimeline(state);
  } catch (error) {
    if (inflight !== ticket) return;
    $("#results").replaceChildren();
    $("#pager").replaceChildren();
    $("#summary").textContent = "";
    renderDrawerCount(null);
    showStatus(error.message, "error");
  } finally {
    clearTimeout(slow);
    if (inflight === ticket) document.body.removeAttribute("aria-busy");
  }
}

// A shared link may spell a filter otherwise than the index does (person=Sergei Lavrov,
// outlet=cnn). The API answers with the canonical values selected; the URL takes them, so
// unticking a box removes the filter it shows.
function adoptCanonicalFilters(state, facets) {
  const next = { ...state, fields: { ...state.fields } };
  let changed = false;
  for (const facet of ["outlet", "person", ...Object.keys(state.fields)]) {
    const current = selectedValues(state, facet);
    if (!current.length || !facets[facet]) continue;
    const canonical = facets[facet].filter((b) => b.selected).map((b) => b.value);
    const same = canonical.length === current.length && canonical.every((v) => current.includes(v));
    if (!canonical.length || same) continue;
    Object.assign(next, selecting(next, facet, canonical));
    changed = true;
  }
  if (!changed) return state;
  const query = stateToParams(next).toString();
  history.replaceState(null, "", query ? `?${query}` : location.pathname);
  return next;
}

function activeFilterCount(state) {
  return state.outlet.length + state.person.length + (state.date_from || state.date_to ? 1 : 0) +
    Object.values(state.fields).reduce((n, values) => n + values.length, 0);
}

// The phone-width drawer's buttons say how many filters are on and what they leave.
function renderDrawerCount(data) {
  const count = activeFilterCount(readState());
  $("#filters-toggle").textContent = count ? `Filters (${count})` : "Filters";
  $("#filters-close").textContent = data
    ? `Show ${data.total.toLocaleString()} ${data.total === 1 ? "result" : "results"}` : "Show results";
}

function setDrawer(open) {
  document.body.classList.toggle("filters-open", open);
  // what the open drawer covers takes no focus or clicks: Tab stays among the filters
  $("#results-pane").inert = open;
  $(".top").inert = open;
  $("#filters-toggle").setAttribute("aria-expanded", String(open));
  if (open) $("#filters-close").focus();
  else $("#filters-toggle").focus();
}

function renderSummary(data, state) {
  const pages = Math.max(1, Math.ceil(data.total / data.per_page));
  const collapsed = data.articles !== undefined && data.articles !== data.total;
  const what = collapsed ? (data.total === 1 ? "story" : "stories")
    : (data.total === 1 ? "article" : "articles");
  $("#summary").textContent = `${data.total.toLocaleString()} ${what}` +
    (collapsed ? ` (${data.articles.toLocaleString()} articles)` : "") +
    (data.total > data.per_page ? ` · page ${state.page} of ${pages}` : "") +
    ` · ${Math.round(data.took_ms)} ms`;
}

function renderSuggestion(data) {
  const box = $("#suggestion");
  box.replaceChildren();
  box.hidden = !data.suggestion;
  if (data.suggestion) {
    box.append("Did you mean ",
      el("a", { href: "#", id: "suggestion-link", onclick: (event) => {
        event.preventDefault();
        setState({ q: data.suggestion });
      } }, data.suggestion), "?");
  }
}

function personChips(people, limit = 8) {
  return el("ul", { class: "chips", "aria-label": "People mentioned" },
    people.slice(0, limit).map((name) => el("li", {},
      el("button", { type: "button", class: "chip", title: `Only articles mentioning ${name}`,
        onclick: () => {
          const state = readState();
          if (!state.person.includes(name)) setState({ person: [...state.person, name], article: "" });
        } }, name))));
}

// Every date on the page reads the same way ("Feb 22, 2023"), in UTC like the API's.
function formatDate(iso) {
  return new Date(`${iso}T00:00:00Z`).toLocaleDateString("en-US",
    { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
}

function resultItem(hit) {
  const date = hit.published ? formatDate(hit.published) : "no date";
  return el("li", { class: "result" },
    el("h3", {}, el("a", { href: `?article=${encodeURIComponent(hit.id)}`, class: "result-link",
      onclick: (event) => { event.preventDefault(); setState({ article: hit.id }, { resetPage: false }); },
    }, hit.title || hit.id)),
    el("div", { class: "meta" }, [hit.outlet || "unknown outlet", date,
      ...Object.entries(hit.fields || {}).filter(([, v]) => v.length)
        .map(([name, values]) => `${facetLabel(name)}: ${values.join(", ")}`)].join(" · ")),
    el("p", { class: "snippet", html: hit.snippet }),
    hit.copies && hit.copies.count ? copiesLine(hit.copies) : null,
    hit.people.length ? personChips(hit.people) : null,
    hit.score !== null && hit.score !== undefined ? whyHere(hit.id) : null);
}

function explanationOf(id) {
  const current = explained;
  if (!current.answer) {
    const params = new URLSearchParams(current.params);
    params.set("explain", "true");
    params.set("facets", "");
    current.answer = getJSON("/search", params);
  }
  return current.answer.then((data) => data.results.find((hit) => hit.id === id));
}

function whyHere(id) {
  const line = el("p", {}, "…");
  const box = el("details", { class: "why" }, el("summary", {}, "Why here"), line);
  box.addEventListener("toggle", () => {
    if (!box.open || line.dataset.filled) return;
    line.dataset.filled = "true";
    explanationOf(id).then((hit) => {
      line.textContent = hit && hit.explanation ? whyText(hit.score, hit.explanation)
        : "The ranking changed since this page was loaded: search again.";
    }).catch((error) => { line.textContent = error.message; delete line.dataset.filled; });
  });
  return box;
}

// The parts of a result's score, in words (they add up to it).
function whyText(score, parts) {
  const fmt = (x) => x.toFixed(2);
  const terms = [
    [parts.bm25.text, "query words in the headline and text"],
    [parts.bm25.title, "in the headline"],
    [parts.proximity, "query words near each other"],
    [parts.feedback, "words of the top results" + (parts.feedback_terms.length
      ? ` (${parts.feedback_terms.slice(0, 6).map((t) => t.word).join(", ")})` : "")],
  ].filter(([value]) => value > 0);
  return `Score ${fmt(score)} = ` + terms.map(([value, what]) => `${fmt(value)} ${what}`)
    .join(" + ");
}

function copiesLine(copies) {
  const shown = copies.articles.map((copy) => el("a", {
    href: `?article=${encodeURIComponent(copy.id)}`, title: copy.title,
    onclick: (event) => { event.preventDefault(); setState({ article: copy.id }, { resetPage: false }); },
  }, copy.outlet || copy.id));
  const more = copies.count - copies.articles.length;
  const parts = [];
  shown.forEach((link, i) => { if (i) parts.push(", "); parts.push(link); });
  return el("p", { class: "copies" },
    `${copies.count} more ${copies.count === 1 ? "copy" : "copies"} of this story: `,
    ...parts, more > 0 ? ` and ${more} more` : "");
}

// Every filter that is on, as a chip that removes it: what narrows the results is in view
// above them, not only ticked somewhere down the sidebar.
function renderActiveFilters(state) {
  const chips = [];
  const chip = (label, changes) => el("li", {}, el("button", {
    type: "button", class: "chip", "aria-label": `Remove filter ${label}`,
    onclick: () => setState(changes) }, label, el("span", { class: "remove", "aria-hidden": "true" }, "×")));
  for (const facet of ["outlet", "person", ...Object.keys(state.fields)]) {
    for (const value of selectedValues(state, facet)) {
      chips.push(chip(`${facetLabel(facet)}: ${value}`,
        selecting(state, facet, selectedValues(state, facet).filter((v) => v !== value))));
    }
  }
  if (state.date_from || state.date_to) {
    chips.push(chip(`Published: ${state.date_from ? formatDate(state.date_from) : "…"} to ` +
      `${state.date_to ? formatDate(state.date_to) : "…"}`, { date_from: "", date_to: "" }));
  }
  const box = $("#active-filters");
  box.replaceChildren(...chips);
  box.hidden = !chips.length;
}

// "No results" blames the filters only when the query alone matches something.
function renderResults(data, state, ticket) {
  const list = $("#results");
  list.replaceChildren(...data.results.map(resultItem));
  if (data.results.length) return;
  if (!activeFilterCount(state)) {
    showStatus(state.q ? "No articles match this query." : "The index holds no articles yet.");
    return;
  }
  showStatus("No articles match this query with these filters.");
  const alone = new URLSearchParams({ per_page: "1", facets: "" });
  if (state.q) alone.set("q", state.q);
  getJSON("/search", alone).then((unfiltered) => {
    if (inflight !== ticket) return;
    showStatus(unfiltered.total
      ? `No articles match with these filters; without them the query matches ` +
        `${articles(unfiltered.total)}. Remove a filter or use Clear all.`
      : "No articles match this query, even without the filters.");
  }, () => { /* the first message stands */ });
}

function renderPager(data, state) {
  const pager = $("#pager");
  const pages = Math.ceil(data.total / data.per_page);
  pager.replaceChildren();
  if (pages <= 1) return;
  const go = (page) => () => { setState({ page }); window.scrollTo(0, 0); };
  pager.append(
    el("button", { type: "button", disabled: state.page <= 1, onclick: go(state.page - 1) }, "← Previous"),
    el("span", {}, `Page ${state.page} of ${pages}`),
    el("button", { type: "button", disabled: state.page >= pages, onclick: go(state.page + 1) }, "Next →"));
}

function toggleValue(facet, value, checked) {
  const state = readState();
  const current = selectedValues(state, facet).filter((v) => v !== value);
  setState(selecting(state, facet, checked ? [...current, value] : current));
}

function facetLabel(name) {
  const words = name.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// A section per declared facet field (as the API returns them), built like Outlet's.
function declaredSection(name) {
  const found = $(`.facet[data-facet="${CSS.escape(name)}"]`);
  if (found) return found;
  const heading = `facet-${name}-heading`;
  const input = el("input", { class: "facet-filter", type: "search",
    placeholder: `Filter ${facetLabel(name).toLowerCase()}…`,
    "aria-label": `Filter ${facetLabel(name).toLowerCase()}`, "data-facet": name });
  const more = el("button", { type: "button", class: "link show-more", "data-facet": name },
    "Show more");
  const section = el("section", { class: "facet declared", "data-facet": name },
    el("h3", { id: heading }, facetLabel(name)), input,
    el("ul", { class: "facet-suggestions", "data-facet": name }),
    el("ul", { class: "facet-values", "aria-labelledby": heading }), more);
  $('.facet[data-facet="date"]').before(section);
  wireFacetFilter(input);
  wireShowMore(more);
  return section;
}

function renderDeclaredFacets(facets, state) {
  const names = Object.keys(facets).filter((name) => !CORE_FACETS.includes(name));
  $$(".facet.declared").forEach((section) => {
    if (!names.includes(section.dataset.facet)) section.remove();
  });
  names.forEach((name) => {
    declaredSection(name);
    renderFacet(name, facets[name], state);
  });
}

function renderFacet(facet, buckets, state) {
  const section = $(`.facet[data-facet="${CSS.escape(facet)}"]`);
  const expanded = state.more.includes(facet);
  const shown = expanded ? buckets : buckets.filter((b, i) => i < FACET_SIZE || b.selected);
  $(".facet-values", section).replaceChildren(...shown.map((bucket) => el("li",
    { class: bucket.count ? "" : "zero" },
    el("label", {},
      el("input", { type: "checkbox", checked: bucket.selected, value: bucket.value,
        onchange: (event) => toggleValue(facet, bucket.value, event.target.checked) }),
      el("span", { class: "name" }, bucket.value),
      el("span", { class: "count" }, bucket.count.toLocaleString())))));
  if (!buckets.length) {
    $(".facet-values", section).replaceChildren(el("li", { class: "none" }, "None in these results"));
  }
  const more = $(".show-more", section);
  more.textContent = expanded ? "Show fewer" : "Show more";
  more.hidden = buckets.length <= FACET_SIZE;
}

function articles(count) {
  return `${count.toLocaleString()} ${count === 1 ? "article" : "articles"}`;
}

const MAX_PERIODS = 400; // beyond this many periods the bars would be slivers: leave gaps

function addPeriod(iso, interval) {
  const date = new Date(`${iso}T00:00:00Z`);
  if (interval === "year") date.setUTCFullYear(date.getUTCFullYear() + 1);
  else if (interval === "month") date.setUTCMonth(date.getUTCMonth() + 1);
  else date.setUTCDate(date.getUTCDate() + (interval === "week" ? 7 : 1));
  return date.toISOString().slice(0, 10);
}

function dayBefore(iso) {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

// The API lists periods that have articles; the chart shows every period between the first
// and the last, empty ones at 0, so the time axis is continuous.
function continuousPeriods(buckets, interval) {
  if (buckets.length < 2) return buckets;
  const byStart = new Map(buckets.map((b) => [b.start, b]));
  const periods = [];
  let start = buckets[0].start;
  const last = buckets[buckets.length - 1].start;
  while (start <= last) {
    if (periods.length > MAX_PERIODS) return buckets;
    const next = addPeriod(start, interval);
    periods.push(byStart.get(start) || { value: start, start, end: dayBefore(next), count: 0 });
    start = next;
  }
  return periods;
}

function periodLabel(bucket, interval) {
  if (interval === "year") return bucket.start.slice(0, 4);
  if (interval === "month") {
    return new Date(`${bucket.start}T00:00:00Z`).toLocaleDateString("en-US",
      { year: "numeric", month: "short", timeZone: "UTC" });
  }
  return interval === "week" ? `week of ${formatDate(bucket.start)}` : formatDate(bucket.start);
}

function renderHistogram(buckets, interval, state, total) {
  const box = $("#histogram");
  const periods = continuousPeriods(buckets, interval);
  const max = Math.max(1, ...periods.map((b) => b.count));
  const bar = (bucket) => {
    const label = `${periodLabel(bucket, interval)}: ${articles(bucket.count)}`;
    const height = { height: `${bucket.count ? Math.max(3, Math.round((bucket.count / max) * 100)) : 0}%` };
    if (!bucket.count) return el("span", { class: "bar empty", style: height, title: label });
    const inRange = state.date_from === bucket.start && state.date_to === bucket.end;
    return el("button", {
      type: "button", class: inRange ? "bar in-range" : "bar", style: height, title: label,
      "aria-label": `${label}; show only these`, "aria-pressed": String(inRange),
      "data-start": bucket.start, "data-end": bucket.end,
      onclick: () => setState({ date_from: bucket.start, date_to: bucket.end }),
    });
  };
  box.replaceChildren();
  if (periods.length > 1) {
    const mid = periods[Math.floor(periods.length / 2)];
    box.append(
      el("div", { class: "y-axis", "aria-hidden": "true" },
        el("span", {}, max.toLocaleString()), el("span", {}, "0")),
      el("div", { class: "bars" }, periods.map(bar)),
      el("div", { class: "x-axis", "aria-hidden": "true" },
        el("span", {}, periodLabel(periods[0], interval)),
        periods.length > 4 ? el("span", {}, periodLabel(mid, interval)) : null,
        el("span", {}, periodLabel(periods[periods.length - 1], interval))));
  } else if (periods.length === 1) {
    box.append(el("p", { class: "one-period" },
      `All ${articles(periods[0].count)} with a date: ${periodLabel(periods[0], interval)}`));
  }
  const range = $("#date-range");
  range.replaceChildren();
  if (state.date_from || state.date_to) {
    range.append(`${state.date_from ? formatDate(state.date_from) : "…"} to ` +
      `${state.date_to ? formatDate(state.date_to) : "…"} `,
      el("button", { type: "button", class: "link", id: "clear-dates",
        onclick: () => setState({ date_from: "", date_to: "" }) }, "any date"));
  } else if (periods.length > 1) {
    range.textContent = `Articles per ${interval}; choose a bar to filter`;
  } else if (!periods.length && total) {
    range.textContent = "No dated articles";
  }
  range.hidden = !range.textContent; // no empty line above a one-period sentence
}

// ---- export and attention over time -------------------------------------------------------
function renderDownload(state) {
  const params = searchParams(state);
  params.set("sort", state.sort);
  params.set("format", "csv");
  params.set("bom", "true"); // spreadsheets read UTF-8 by its byte-order mark
  $("#download").href = `${API}/export?${params}`;
}

const LINE_COLOURS = ["#1f5fbf", "#c2410c", "#15803d", "#7e22ce", "#a16207"];
const SVG = "http://www.w3.org/2000/svg";
const CHART = { width: 640, height: 240, left: 48, right: 8, top: 10, bottom: 28 };

function svg(tag, attrs = {}, text = "") {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

// The main query, then the compare box's lines; a line that repeats one already there
// (case and spacing aside) would draw the same line twice.
function timelineQueries(state) {
  const seen = new Set();
  const queries = [];
  for (const q of [state.q, ...$("#compare").value.split("\n")]) {
    const text = q.trim();
    const key = text.replace(/\s+/g, " ").toLowerCase();
    if ((text || !queries.length) && !seen.has(key)) {
      seen.add(key);
      queries.push(text);
    }
  }
  return queries.slice(0, 5);
}

let lastTimeline = null; // what was drawn, to draw again at the chart's new width

async function drawTimeline(state) {
  const params = searchParams(state);
  params.delete("q");
  timelineQueries(state).forEach((q) => params.append("q", q));
  const status = $("#timeline-status");
  try {
    const data = await getJSON("/timeline", params);
    status.hidden = true;
    lastTimeline = { data, normalised: $("#normalised").checked, filtered: activeFilterCount(state) > 0 };
    plotTimeline(lastTimeline);
  } catch (error) {
    $("#timeline-figure").hidden = true;
    status.hidden = false;
    status.className = "status error";
    status.textContent = `The timeline could not be drawn (${error.message}).`;
  }
}

// A percentage axis in one format: "0%" and "100%", or "0.0%" and "4.5%".
function percentFormat(top) {
  const decimals = top * 100 < 10 ? 1 : 0;
  return (v) => `${(v * 100).toFixed(decimals)}%`;
}

function drawLines(chart, data, { x, y, value, format, top, width, plotH }) {
  const periods = data.series[0] ? data.series[0].buckets : [];
  const { height, left, right } = CHART;
  chart.append(
    svg("line", { class: "axis", x1: left, y1: CHART.top + plotH, x2: width - right, y2: CHART.top + plotH }),
    svg("line", { class: "axis", x1: left, y1: CHART.top, x2: left, y2: CHART.top + plotH }),
    svg("text", { class: "tick", x: left - 4, y: CHART.top + 10, "text-anchor": "end" }, format(top)),
    svg("text", { class: "tick", x: left - 4, y: CHART.top + plotH, "text-anchor": "end" }, format(0)),
  );
  if (periods.length) {
    chart.append(
      svg("text", { class: "tick", x: left, y: height - 8 }, periods[0].value),
      svg("text", { class: "tick", x: width - right, y: height - 8, "text-anchor": "end" },
        periods[periods.length - 1].value));
  }
  data.series.forEach((series, i) => {
    const points = series.buckets.map((b, j) => `${x(j).toFixed(1)},${y(value(b)).toFixed(1)}`);
    chart.append(svg("polyline", { points: points.join(" "), stroke: LINE_COLOURS[i],
      "data-q": series.q }));
    if (series.buckets.length <= 60) { // dots show each period
      series.buckets.forEach((b, j) => chart.append(svg("circle", {
        cx: x(j).toFixed(1), cy: y(value(b)).toFixed(1), r: 3, fill: LINE_COLOURS[i] },
      )));
    }
  });
}

function plotTimeline({ data, normalised, filtered }) {
  const chart = $("#timeline-chart");
  $("#timeline-figure").hidden = false; // shown first: a hidden chart has no width to measure
  chart.style.display = "";
  const periods = data.series[0] ? data.series[0].buckets : [];
  const value = (b) => (normalised ? b.ratio : b.count);
  const top = Math.max(normalised ? 0.01 : 1, ...data.series.flatMap((s) => s.buckets.map(value)));
  // drawn at the chart's own width in CSS pixels, so text keeps its size on a phone
  const width = Math.max(280, Math.round(chart.getBoundingClientRect().width) || CHART.width);
  const { height, left, right, bottom } = CHART;
  chart.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const plotW = width - left - right;
  const plotH = height - CHART.top - bottom;
  const x = (i) => left + (periods.length > 1 ? (i / (periods.length - 1)) * plotW : plotW / 2);
  const y = (v) => CHART.top + plotH - (v / top) * plotH;
  const format = normalised ? percentFormat(top) : (v) => v.toLocaleString();
  const share = filtered ? "Share of the articles in these filters" : "Share of all articles";
  $("#normalised-label").textContent = `${share} (normalised)`;
  const single = $("#timeline-single");
  // one period is a sentence per query, not a lone dot (an SVG element has no `hidden`)
  chart.style.display = periods.length === 1 ? "none" : "";
  single.hidden = periods.length !== 1;
  if (periods.length === 1) {
    single.replaceChildren(...data.series.map((series, i) => {
      const b = series.buckets[0];
      return el("li", {}, el("span", { class: "swatch", style: { background: LINE_COLOURS[i] } }),
        `${series.q || "all articles"}: ${articles(b.count)} of ${b.total.toLocaleString()}` +
        (b.total ? ` (${percentFormat(b.ratio)(b.ratio)})` : ""));
    }));
  }
  chart.replaceChildren();
  if (periods.length !== 1) drawLines(chart, data, { x, y, value, format, top, width, plotH });
  $("#timeline-caption").textContent = `${normalised ? share : "Articles"} ` +
    `per ${data.date_interval}` + (periods.length ? (periods.length === 1
    ? `: ${periods[0].value}` : `, ${periods[0].value} to ${periods[periods.length - 1].value}`)
    : ": no dated articles");
  $("#timeline-legend").hidden = periods.length === 1; // the sentences say it all
  $("#timeline-legend").replaceChildren(...data.series.map((series, i) => el("li", {},
    el("span", { class: "swatch", style: { background: LINE_COLOURS[i] } }),
    `${series.q || "all articles"} (${series.total.toLocaleString()})`)));
  const rows = [["query", "period", "start", "end", "count", "total", "ratio"]];
  data.series.forEach((series) => series.buckets.forEach((b) => rows.push(
    [series.q, b.value, b.start, b.end, b.count, b.total, b.ratio])));
  const csvText = rows.map((row) => row.map((cell) =>
    `"${String(cell).replace(/"/g, '""')}"`).join(",")).join("\r\n");
  const link = $("#timeline-csv");
  if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([csvText], { type: "text/csv" }));
  $("#timeline-figure").hidden = false;
}

async function renderArticle(state) {
  const box = $("#article");
  box.replaceChildren(el("p", {}, "Loading…"));
  $("#similar").replaceChildren();
  $(".similar").hidden = false;
  try {
    const article = await getJSON(`/articles/${encodeURIComponent(state.article)}`);
    document.title = `${article.title} — searchapp`;
    box.replaceChildren(...[
      el("h1", {}, article.title),
      el("p", { class: "meta" }, [article.outlet, article.published && formatDate(article.published),
        article.authors.join(", ")].filter(Boolean).join(" · ")),
      safeLink(article.url) ? el("p", {}, el("a", { href: safeLink(article.url),
        rel: "noopener noreferrer" }, "Original article")) : null,
      article.people.length ? personChips(article.people, Infinity) : null,
      el("div", { class: "body" }, article.body.split(/\n+/).filter((p) => p.trim())
        .map((p) => el("p", {}, p))),
    ].filter(Boolean));
    const similar = await getJSON(`/articles/${encodeURIComponent(state.article)}/similar`,
      new URLSearchParams({ limit: "5" }));
    $("#similar").replaceChildren(...similar.results.map(resultItem));
    $(".similar").hidden = !similar.results.length;
  } catch (error) {
    document.title = DEFAULT_TITLE;
    $(".similar").hidden = true;
    box.replaceChildren(el("p", { class: "status error" }, `Could not load the article. ${error.message}`));
  }
}

// ---- facet filter boxes (autocomplete from /facets/<field>) -----------------------------
function wireFacetFilter(input) {
  const facet = input.dataset.facet;
  const list = $(`.facet-suggestions[data-facet="${CSS.escape(facet)}"]`);
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const prefix = input.value.trim();
    if (!prefix) { list.replaceChildren(); return; }
    timer = setTimeout(async () => {
      try {
        const data = await getJSON(`/facets/${encodeURIComponent(facet)}`,
          new URLSearchParams({ prefix, size: "8" }));
        if (input.value.trim() !== prefix) return;
        list.replaceChildren(...data.values.map((v) => el("li", {},
          el("button", { type: "button", onclick: () => {
            input.value = "";
            list.replaceChildren();
            const state = readState();
            const selected = selectedValues(state, facet);
            if (!selected.includes(v.value)) setState(selecting(state, facet, [...selected, v.value]));
          } }, `${v.value} (${v.count.toLocaleString()})`))));
        if (!data.values.length) list.replaceChildren(el("li", {}, "No match"));
      } catch (error) {
        list.replaceChildren(el("li", {}, `Lookup failed (${error.message})`));
      }
    }, 150);
  });
}

function wireShowMore(button) {
  button.addEventListener("click", () => {
    const state = readState();
    const facet = button.dataset.facet;
    const more = state.more.includes(facet) ? state.more.filter((f) => f !== facet)
      : [...state.more, facet];
    setState({ more }, { resetPage: false });
  });
}

// ---- wiring -----------------------------------------------------------------------------
document.addEventListener("DOMContentLoaded", () => {
  $("#search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    setState({ q: $("#q").value.trim(), article: "" });
  });
  $("#sort").addEventListener("change", (event) => setState({ sort: event.target.value }));
  $("#collapse").addEventListener("change", (event) => setState({ collapse: event.target.checked }));
  $("#clear-all").addEventListener("click", () =>
    setState({ outlet: [], person: [], date_from: "", date_to: "", more: [], fields: {} }));
  $$(".show-more").forEach(wireShowMore);
  $$(".facet-filter").forEach(wireFacetFilter);
  $("#back-link").addEventListener("click", (event) => {
    event.preventDefault();
    setState({ article: "" }, { resetPage: false });
  });
  $("#home-link").addEventListener("click", (event) => {
    event.preventDefault();
    history.pushState(null, "", location.pathname);
    render();
  });
  $("#timeline-panel").addEventListener("toggle", () => {
    if ($("#timeline-panel").open) drawTimeline(readState());
  });
  $("#timeline-form").addEventListener("submit", (event) => {
    event.preventDefault();
    drawTimeline(readState());
  });
  $("#normalised").addEventListener("change", () => drawTimeline(readState()));
  $("#filters-toggle").addEventListener("click", () =>
    setDrawer(!document.body.classList.contains("filters-open")));
  $("#filters-close").addEventListener("click", () => setDrawer(false));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && document.body.classList.contains("filters-open")) setDrawer(false);
  });
  window.addEventListener("popstate", render);
  let resized = null;
  window.addEventListener("resize", () => {
    clearTimeout(resized);
    resized = setTimeout(() => {
      if (lastTimeline && !$("#timeline-figure").hidden) plotTimeline(lastTimeline);
    }, 150);
  });
  examplePlaceholders();
  render();
});

// The search box's examples come from this index (its most mentioned people), never from
// the sample's articles; a neutral text stays when the index has no people.
async function examplePlaceholders() {
  try {
    const data = await getJSON("/facets/person", new URLSearchParams({ size: "2" }));
    const [first, second] = data.values.map((v) => v.value);
    if (!first) return;
    const surname = first.split(" ").pop().toLowerCase();
    $("#q").placeholder = `Search: ${surname}, ` +
      (second ? `person:"${second.toLowerCase()}", ` : "") + '"a phrase", title:word';
    if (second) $("#compare").placeholder = `${surname}\n${second.split(" ").pop().toLowerCase()}`;
  } catch (_) { /* the neutral placeholder stays */ }
}
