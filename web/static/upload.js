// Upload page: drop files, give each its optional metadata, send them with a progress bar,
// show one outcome per file. Without this script the form still posts and a page answers.
(function () {
  "use strict";
  const form = document.getElementById("upload");
  if (!form) return;
  const input = document.getElementById("files");
  const drop = document.getElementById("drop");
  const holder = document.getElementById("file-fields");
  const fields = JSON.parse(holder.dataset.fields);
  const progress = document.getElementById("progress");
  const progressText = document.getElementById("progress-text");
  const result = document.getElementById("upload-result");

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showFields() {
    holder.replaceChildren();
    Array.from(input.files).forEach((file, n) => {
      const set = el("fieldset", { class: "file-meta" });
      set.append(el("legend", {}, file.name));
      for (const [name, label] of fields) {
        const id = `${name}-${n}`;
        set.append(el("label", { for: id }, label), el("input", { id: id, name: id }));
      }
      holder.append(set);
    });
  }

  input.addEventListener("change", showFields);
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    input.files = e.dataTransfer.files;
    showFields();
  });

  function showOutcomes(answer) {
    result.replaceChildren();
    if (answer.index_problem) result.append(el("p", { class: "problem", role: "alert" }, answer.index_problem));
    const table = el("table", { class: "outcomes" });
    const head = el("tr");
    for (const h of ["文件", "结果", "记录", "说明"]) head.append(el("th", { scope: "col" }, h));
    table.append(el("thead"), el("tbody"));
    table.tHead.append(head);
    for (const f of answer.files) {
      const row = el("tr", { class: f.status });
      row.append(el("td", {}, f.name), el("td", {}, f.status_text));
      const record = el("td");
      if (f.record_id) record.append(el("a", { href: `/records/${f.record_id}` }, `记录 ${f.record_id}　${f.archival_code}`));
      row.append(record);
      const note = el("td", {}, f.message);
      for (const w of f.warnings) note.append(el("div", { class: "warn" }, w));
      row.append(note);
      table.tBodies[0].append(row);
    }
    result.append(table);
  }

  form.addEventListener("submit", (e) => {
    if (!input.files.length) return;  // the server says what is missing
    e.preventDefault();
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "application/json");
    request.setRequestHeader("X-CSRF-Token", form.elements.csrf_token.value);
    progress.hidden = false;
    progress.value = 0;
    progressText.textContent = "上传中……";
    request.upload.addEventListener("progress", (p) => {
      if (p.lengthComputable) {
        progress.value = Math.round((p.loaded / p.total) * 100);
        progressText.textContent = `已上传 ${progress.value}%`;
      }
    });
    request.upload.addEventListener("load", () => { progressText.textContent = "上传完成，正在归档……"; });
    request.addEventListener("load", () => {
      if (request.status === 200) {
        progressText.textContent = "完成。";
        form.reset();
        holder.replaceChildren();
        showOutcomes(JSON.parse(request.responseText));
        result.scrollIntoView();
      } else {
        progressText.textContent = `未能归档（${request.status}）：请刷新页面后重试。`;
      }
    });
    request.addEventListener("error", () => { progressText.textContent = "网络错误，未能上传。"; });
    request.send(new FormData(form));
  });
})();
