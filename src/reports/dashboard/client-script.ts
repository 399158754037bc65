/**
 * The dashboard's only script, inlined into the page (no network). It reads the inventory from the
 * page's `<script type="application/json" id="inventory-data">` and:
 * - filters rows by search text, environment, owner, cloud, risk, "can write to prod" and
 *   "touches sensitive data", announcing the count in a live region;
 * - opens and closes each agent's detail panel (a disclosure button, `aria-expanded`);
 * - moves between agents with ArrowUp/ArrowDown/Home/End, and closes a panel with Escape;
 * - opens an agent from the "expiring soon" list, clearing filters that hide it.
 *
 * Written as plain ES2017 in a string: the project compiles without DOM types, and the page must not
 * depend on a bundler. The browser test (`test/reports/dashboard-browser.test.ts`) runs it in Chromium.
 */
export const DASHBOARD_SCRIPT = String.raw`(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("inventory-data").textContent);
  var agents = data.agents;
  var form = document.getElementById("filters");
  var search = document.getElementById("f-search");
  var selects = { environment: document.getElementById("f-environment"), owner: document.getElementById("f-owner"), cloud: document.getElementById("f-cloud"), risk: document.getElementById("f-risk") };
  var writesProd = document.getElementById("f-writes-prod");
  var sensitive = document.getElementById("f-sensitive");
  var count = document.getElementById("result-count");
  var empty = document.getElementById("no-results");

  // Rows are keyed by position ("a0", "a1", ...): the embedded agents are in the table's order.
  function keyOf(index) { return "a" + index; }
  function rowOf(key) { return document.querySelector('tr.agent-row[data-key="' + key + '"]'); }
  function detailOf(key) { return document.querySelector('tr.detail-row[data-key="' + key + '"]'); }
  function toggleOf(key) { var row = rowOf(key); return row && row.querySelector("button.agent-toggle"); }

  var haystacks = {};
  agents.forEach(function (agent, index) {
    var identities = agent.identities || {};
    var parts = [agent.id, agent.owner, agent.team || "", agent.costCenter || "", agent.purpose, agent.environment, agent.issuer.subject, agent.issuer.url, agent.risk.tier]
      .concat(agent.canDo)
      .concat((agent.tools || []).map(function (tool) { return tool.summary + " " + tool.action; }))
      .concat(agent.grants.map(function (grant) { return grant.resource; }));
    Object.keys(identities).forEach(function (cloud) {
      var identity = identities[cloud];
      Object.keys(identity).forEach(function (key) { if (identity[key]) parts.push(String(identity[key])); });
    });
    haystacks[keyOf(index)] = parts.join("\n").toLowerCase();
  });

  function matches(agent, key) {
    var text = search.value.trim().toLowerCase();
    if (text) {
      var words = text.split(/\s+/);
      for (var i = 0; i < words.length; i++) if (haystacks[key].indexOf(words[i]) < 0) return false;
    }
    if (selects.environment.value && agent.environment !== selects.environment.value) return false;
    if (selects.owner.value && agent.owner !== selects.owner.value) return false;
    if (selects.cloud.value && agent.clouds.indexOf(selects.cloud.value) < 0) return false;
    if (selects.risk.value && agent.risk.tier !== selects.risk.value) return false;
    if (writesProd.checked && !agent.writesProd) return false;
    if (sensitive.checked && !agent.touchesSensitiveData) return false;
    return true;
  }

  function apply() {
    var shown = 0;
    agents.forEach(function (agent, index) {
      var key = keyOf(index);
      var visible = matches(agent, key);
      var row = rowOf(key);
      var detail = detailOf(key);
      var toggle = toggleOf(key);
      row.hidden = !visible;
      detail.hidden = !visible || toggle.getAttribute("aria-expanded") !== "true";
      if (visible) shown++;
    });
    count.textContent = shown + " of " + agents.length + " agents shown";
    empty.hidden = shown !== 0;
  }

  function setOpen(key, open) {
    var toggle = toggleOf(key);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    detailOf(key).hidden = !open || rowOf(key).hidden;
  }

  function visibleToggles() {
    return Array.prototype.filter.call(document.querySelectorAll("tr.agent-row"), function (row) { return !row.hidden; })
      .map(function (row) { return row.querySelector("button.agent-toggle"); });
  }

  document.querySelectorAll("button.agent-toggle").forEach(function (toggle) {
    var key = toggle.closest("tr").getAttribute("data-key");
    toggle.addEventListener("click", function () { setOpen(key, toggle.getAttribute("aria-expanded") !== "true"); });
    toggle.addEventListener("keydown", function (event) {
      var list = visibleToggles();
      var at = list.indexOf(toggle);
      var next = null;
      if (event.key === "ArrowDown") next = list[Math.min(at + 1, list.length - 1)];
      else if (event.key === "ArrowUp") next = list[Math.max(at - 1, 0)];
      else if (event.key === "Home") next = list[0];
      else if (event.key === "End") next = list[list.length - 1];
      else if (event.key === "Escape") { setOpen(key, false); return; }
      if (next) { event.preventDefault(); next.focus(); }
    });
  });

  document.querySelectorAll("tr.detail-row").forEach(function (detail) {
    detail.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      var key = detail.getAttribute("data-key");
      setOpen(key, false);
      toggleOf(key).focus();
    });
  });

  document.querySelectorAll("[data-open]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var key = link.getAttribute("data-open");
      var agent = agents[Number(key.slice(1))];
      if (agent && !matches(agent, key)) { form.reset(); apply(); }
      setOpen(key, true);
      var toggle = toggleOf(key);
      toggle.scrollIntoView({ block: "center" });
      toggle.focus();
    });
  });

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  apply();
})();
`;
