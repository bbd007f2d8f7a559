// Writer's editor: check the YAML as it is typed, list problems by line, refresh the PDF.
(function () {
  "use strict";
  const area = document.getElementById("yaml");
  if (!area) return;
  const token = document.querySelector("#download input[name=csrf_token]").value;
  const state = document.getElementById("state");
  const problems = document.getElementById("problems");
  const warnings = document.getElementById("warnings");
  const preview = document.getElementById("preview");
  let timer = null;
  let asked = 0;

  function post(url, text) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify({ yaml: text }),
    }).then((r) => r.json());
  }

  function goToLine(line) {
    const lines = area.value.split("\n");
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    area.focus();
    area.setSelectionRange(start, start + (lines[line - 1] || "").length);
  }

  function list(holder, items) {
    holder.replaceChildren();
    for (const p of items) {
      const item = document.createElement("li");
      const where = p.line ? `第 ${p.line} 行：` : "";
      const what = p.field ? `“${p.field}”` : "";
      if (p.line) {
        const link = document.createElement("a");
        link.href = "#yaml";
        link.textContent = where;
        link.addEventListener("click", (e) => { e.preventDefault(); goToLine(p.line); });
        item.append(link, document.createTextNode(what + p.message));
      } else {
        item.textContent = what + p.message;
      }
      holder.append(item);
    }
  }

  function show(answer) {
    list(problems, answer.problems || []);
    list(warnings, answer.warnings || []);
    state.textContent = answer.ok ? "没有问题" : `有 ${answer.problems.length} 处问题`;
    state.className = answer.ok ? "ok" : "problem";
  }

  function showPreview(url) {
    const view = document.createElement("object");
    view.id = "pdf";
    view.className = "pdf";
    view.type = "application/pdf";
    view.data = url;
    view.setAttribute("aria-label", "PDF 预览");
    preview.replaceChildren(view);
  }

  function refresh() {
    const mine = ++asked;
    const text = area.value;
    state.textContent = "正在检查……";
    post("/api/editor/check", text).then((answer) => {
      if (mine !== asked) return;  // a newer text is being checked
      show(answer);
      if (!answer.ok) return;
      state.textContent = "没有问题，正在生成预览……";
      return post("/api/editor/preview", text).then((made) => {
        if (mine !== asked) return;
        show(made);
        if (made.preview) showPreview(made.preview);
      });
    }).catch(() => { state.textContent = "无法连接服务器，稍后自动重试。"; });
  }

  area.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 600);
  });
  refresh();
})();
