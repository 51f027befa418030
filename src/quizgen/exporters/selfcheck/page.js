(function () {
  "use strict";
  // Every text from the data is set with textContent: nothing in it is ever read as markup.
  var data = JSON.parse(document.getElementById("quizgen-data").textContent);
  var words = data.words;
  var byId = function (id) { return document.getElementById(id); };

  function fill(key, values) {
    return String(words[key]).replace(/\{\{|\}\}|\{([A-Za-z_]+)\}/g, function (match, name) {
      if (match === "{{") { return "{"; }
      if (match === "}}") { return "}"; }
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match;
    });
  }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) {
      node.textContent = text;
      node.dir = "auto";
    }
    if (className) { node.className = className; }
    return node;
  }

  function setText(node, text) {
    node.textContent = text;
    node.dir = "auto";
  }

  // Short answers: the same letters whatever the case, accents, width or spacing.
  function normalise(text) {
    return String(text).normalize("NFKD").replace(/\p{M}/gu, "").toUpperCase().toLowerCase()
      .replace(/\s+/gu, " ").trim();
  }

  // -- progress, kept per topic and build ---------------------------------------------------
  var storageKey = "quizgen:" + data.topic + ":" + data.build;
  var storage = null;
  try {
    storage = window.localStorage;
    storage.getItem(storageKey);
  } catch (error) {
    storage = null;
  }
  var progress = { results: {} };
  if (storage) {
    try {
      var kept = JSON.parse(storage.getItem(storageKey) || "null");
      if (kept && typeof kept.results === "object" && kept.results) {
        Object.keys(kept.results).forEach(function (id) {
          if (typeof kept.results[id] === "boolean") { progress.results[id] = kept.results[id]; }
        });
      }
    } catch (error) {
      progress = { results: {} };
    }
  }
  function save() {
    if (!storage) { return; }
    try { storage.setItem(storageKey, JSON.stringify(progress)); } catch (error) { /* full or refused */ }
  }

  // -- the page's frame -----------------------------------------------------------------------
  var questions = data.questions;
  var familySelect = byId("family"), againBox = byId("again"), form = byId("question");
  var verdict = byId("verdict"), details = byId("details"), status = byId("status");
  var list = [], index = 0, current = null, answered = false;

  setText(byId("title"), data.title);
  setText(byId("intro"), words.selfcheck_intro);
  setText(byId("family-label"), words.selfcheck_family);
  setText(byId("again-label"), words.selfcheck_again);
  setText(byId("clear"), words.selfcheck_clear);
  setText(byId("previous"), words.selfcheck_previous);
  setText(byId("next"), words.selfcheck_next);
  familySelect.appendChild(el("option", words.selfcheck_all_families)).value = "";
  data.families.forEach(function (family) {
    familySelect.appendChild(el("option", family.title)).value = family.id;
  });
  byId("main").hidden = false;

  function inFamily(question) {
    return !familySelect.value || question.family === familySelect.value;
  }

  function showScore() {
    var right = 0, done = 0, total = 0;
    questions.forEach(function (question) {
      if (!inFamily(question)) { return; }
      total += 1;
      if (Object.prototype.hasOwnProperty.call(progress.results, question.id)) {
        done += 1;
        if (progress.results[question.id]) { right += 1; }
      }
    });
    setText(byId("score"), fill("selfcheck_score", { right: right, answered: done, total: total }));
  }

  // The questions to practise: a fresh list each time the filter changes (answering one right in
  // "again" keeps it in this round).
  function choose(keepFocus) {
    list = questions.filter(function (question) {
      return inFamily(question) && (!againBox.checked || progress.results[question.id] === false);
    });
    index = 0;
    showScore();
    show(keepFocus);
  }

  // -- one question -----------------------------------------------------------------------
  function show(keepFocus) {
    form.textContent = "";
    verdict.textContent = "";
    verdict.className = "verdict";
    details.textContent = "";
    answered = false;
    current = list[index] || null;
    byId("previous").disabled = index <= 0;
    byId("next").disabled = index >= list.length - 1;
    if (!current) {
      setText(byId("position"), words.selfcheck_none);
      return;
    }
    setText(byId("position"), fill("selfcheck_position", { number: index + 1, count: list.length }));
    var fieldset = form.appendChild(el("fieldset"));
    fieldset.appendChild(el("legend", current.prompt));
    var build = { multiple_choice: choices, true_false: choices, short_answer: typed, matching: matching,
                  ordering: ordering }[current.kind];
    build(fieldset, current);
    var check = form.appendChild(el("button", words.selfcheck_check, "primary"));
    check.type = "submit";
    check.id = "check";
    if (!keepFocus) { byId("position").focus(); }
  }

  function choices(fieldset, question) {
    question.options.forEach(function (option, number) {
      var row = fieldset.appendChild(el("div", null, "choice"));
      var input = row.appendChild(el("input"));
      input.type = "radio";
      input.name = "answer";
      input.id = "option-" + number;
      input.value = String(number);
      var label = row.appendChild(el("label", option[0]));
      label.htmlFor = input.id;
    });
  }

  function typed(fieldset) {
    var label = fieldset.appendChild(el("label", words.selfcheck_your_answer));
    label.htmlFor = "typed";
    var input = fieldset.appendChild(el("input"));
    input.type = "text";
    input.id = "typed";
    input.dir = "auto";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("autocapitalize", "off");
  }

  function matching(fieldset, question) {
    question.pairs.forEach(function (pair, number) {
      var row = fieldset.appendChild(el("div", null, "pair"));
      var label = row.appendChild(el("label", pair[0]));
      label.htmlFor = "pair-" + number;
      var select = row.appendChild(el("select"));
      select.id = "pair-" + number;
      select.appendChild(el("option", words.selfcheck_choose)).value = "";
      question.choices.forEach(function (choice, position) {
        select.appendChild(el("option", choice)).value = String(position);
      });
    });
  }

  var order = [];
  function ordering(fieldset, question) {
    fieldset.appendChild(el("p", words.selfcheck_order_help, "help"));
    order = question.choices.slice();
    var listNode = fieldset.appendChild(el("ol", null, "order"));
    listNode.id = "order";
    drawOrder();
  }

  function drawOrder(focusItem, focusWay) {
    var listNode = byId("order");
    listNode.textContent = "";
    order.forEach(function (item, position) {
      var row = listNode.appendChild(el("li"));
      var line = row.appendChild(el("div", null, "item"));
      line.appendChild(el("span", item));
      [["up", -1, "\u2191", "selfcheck_move_up"], ["down", 1, "\u2193", "selfcheck_move_down"]].forEach(function (way) {
        var button = line.appendChild(el("button", way[2]));
        button.type = "button";
        button.dir = "ltr";
        button.setAttribute("aria-label", fill(way[3], { item: item }));
        button.dataset.way = way[0];
        button.disabled = answered || position + way[1] < 0 || position + way[1] >= order.length;
        button.addEventListener("click", function () { move(position, way[1]); });
        if (focusItem === position && focusWay === way[0]) { button.focus(); }
      });
    });
    if (focusItem !== undefined && !listNode.contains(document.activeElement)) {
      var buttons = listNode.children[focusItem].querySelectorAll("button:not(:disabled)");
      if (buttons.length) { buttons[0].focus(); }
    }
  }

  function move(position, step) {
    var target = position + step;
    if (answered || target < 0 || target >= order.length) { return; }
    var item = order[position];
    order[position] = order[target];
    order[target] = item;
    drawOrder(target, step < 0 ? "up" : "down");
    setText(status, fill("selfcheck_moved", { item: item, position: target + 1, count: order.length }));
  }

  // -- checking ---------------------------------------------------------------------------
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current || answered) { return; }
    var result = mark(current);
    if (result === null) {
      setText(status, words.selfcheck_answer_first);
      return;
    }
    answered = true;
    setText(status, "");
    Array.prototype.forEach.call(form.querySelectorAll("input, select, button"), function (node) {
      node.disabled = true;
    });
    if (result.chosen !== undefined) {  // the right option and a wrong choice, marked where they stand
      Array.prototype.forEach.call(form.querySelectorAll(".choice"), function (row, number) {
        if (current.options[number][1] === 1) { row.classList.add("mark-right"); }
        else if (number === result.chosen) { row.classList.add("mark-wrong"); }
      });
    }
    progress.results[current.id] = result.right;
    save();
    showScore();
    explain(current, result);
    verdict.focus();
  });

  function mark(question) {
    if (question.kind === "multiple_choice" || question.kind === "true_false") {
      var picked = form.querySelector("input[name=answer]:checked");
      if (!picked) { return null; }
      var chosen = Number(picked.value);
      return { right: question.options[chosen][1] === 1, chosen: chosen };
    }
    if (question.kind === "short_answer") {
      var text = byId("typed").value;
      if (!normalise(text)) { return null; }
      var right = question.accepted.some(function (accepted) { return normalise(accepted) === normalise(text); });
      return { right: right, typed: text };
    }
    if (question.kind === "matching") {
      var picks = question.pairs.map(function (pair, number) { return byId("pair-" + number).value; });
      if (picks.indexOf("") >= 0) { return null; }
      var names = picks.map(function (value) { return question.choices[Number(value)]; });
      var all = question.pairs.every(function (pair, number) { return names[number] === pair[1]; });
      return { right: all, picks: names };
    }
    var ordered = order.slice();
    var same = question.items.every(function (item, position) { return ordered[position] === item; });
    return { right: same, ordered: ordered };
  }

  function explain(question, result) {
    verdict.className = "verdict " + (result.right ? "right" : "wrong");
    verdict.appendChild(el("p", result.right ? words.selfcheck_right : words.selfcheck_wrong));
    if (!result.right) {
      verdict.appendChild(el("p", fill("selfcheck_right_answer", { answer: question.answer }), "answer"));
    }
    if (question.kind === "multiple_choice" || question.kind === "true_false") {
      var wrong = question.options.map(function (option, number) { return [option, number]; })
        .filter(function (pair) { return pair[0][1] !== 1; });
      if (wrong.length) {
        details.appendChild(el("h3", words.selfcheck_why_wrong));
        var reasons = details.appendChild(el("ul", null, "reasons"));
        wrong.forEach(function (pair) {
          var row = reasons.appendChild(el("li", null, pair[1] === result.chosen ? "mark-wrong" : "plain"));
          row.appendChild(el("strong", pair[0][0]));
          if (pair[1] === result.chosen) { row.appendChild(el("span", " (" + words.selfcheck_your_choice + ")", "mine")); }
          row.appendChild(el("span", pair[0][2], "why"));
        });
      }
    } else if (question.kind === "short_answer") {
      details.appendChild(el("p", fill("selfcheck_accepted", {
        answers: question.accepted.join(words.selfcheck_list_separator) })));
    } else if (question.kind === "matching") {
      var pairs = details.appendChild(el("ul", null, "pairs"));
      question.pairs.forEach(function (pair, number) {
        var good = result.picks[number] === pair[1];
        var row = pairs.appendChild(el("li", null, good ? "mark-right" : "mark-wrong"));
        row.appendChild(el("strong", pair[0]));
        row.appendChild(el("span", " \u2192 "));
        row.appendChild(el("span", pair[1]));
        if (!good) {
          row.appendChild(el("span", result.picks[number], "why mine"));
        }
      });
    } else if (question.kind === "ordering") {
      var steps = details.appendChild(el("ol", null, "order-key"));
      question.items.forEach(function (item, position) {
        steps.appendChild(el("li", item, result.ordered[position] === item ? "mark-right" : "mark-wrong"));
      });
    }
    details.appendChild(el("h3", words.selfcheck_explanation));
    details.appendChild(el("p", question.explanation));
    details.appendChild(el("p", fill("selfcheck_as_of", { date: question.as_of }), "asof"));
    details.appendChild(el("h3", words.selfcheck_sources));
    var sources = details.appendChild(el("ul", null, "sources"));
    var seen = {};
    question.cites.forEach(function (cite) {
      var entry = seen[cite[0]];
      if (!entry) {
        var source = data.sources[cite[0]];
        var row = sources.appendChild(el("li"));
        var line = row.appendChild(el("div", null, "source"));
        line.appendChild(el("span", fill("selfcheck_source", { publisher: source.publisher, date: source.published })
          + ": "));
        var cite_ = line.appendChild(el("cite"));
        if (source.url && /^https?:\/\//i.test(source.url)) {
          var anchor = cite_.appendChild(el("a", source.title));
          anchor.href = source.url;
          anchor.rel = "noopener noreferrer";
          anchor.target = "_blank";
        } else {
          setText(cite_, source.title);
        }
        entry = seen[cite[0]] = row.appendChild(el("ul", null, "quotes"));
      }
      entry.appendChild(el("li")).appendChild(el("q", cite[1]));
    });
  }

  // -- moving around ----------------------------------------------------------------------
  byId("previous").addEventListener("click", function () {
    if (index > 0) { index -= 1; show(); }
  });
  byId("next").addEventListener("click", function () {
    if (index < list.length - 1) { index += 1; show(); }
  });
  familySelect.addEventListener("change", function () { choose(true); });
  againBox.addEventListener("change", function () { choose(true); });
  byId("clear").addEventListener("click", function () {
    progress = { results: {} };
    if (storage) {
      try { storage.removeItem(storageKey); } catch (error) { /* refused */ }
    }
    choose(true);
    setText(status, words.selfcheck_cleared);
  });
  if (!storage) { setText(status, words.selfcheck_storage_off); }
  choose(true);
  document.documentElement.dataset.ready = "1";
  if (window.performance && performance.mark) { performance.mark("quizgen:ready"); }
})();
