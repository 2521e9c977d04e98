// Hanami Portal: the cluster template editor. Line numbers kept in step with the text and its
// scrolling, examples to start from, and the caret moved to the part the grammar refuses.
// The preview itself is htmx (hx-post on the textarea); no inline script anywhere (CSP).
"use strict";

(function () {
  const EDITOR = "textarea[data-editor]";
  const PROBLEM_CLASS = "editor__number--problem";

  function gutterOf(textarea) {
    return document.getElementById(textarea.dataset.gutter);
  }

  function problemLine() {
    const problem = document.querySelector("[data-template-problem]");
    return problem ? Number(problem.dataset.line) : 0;
  }

  // One number per line of the text (and one after a final line break), the refused line marked.
  function renumber(textarea) {
    const gutter = gutterOf(textarea);
    if (!gutter) {
      return;
    }
    const count = textarea.value.split("\n").length;
    while (gutter.children.length < count) {
      const number = document.createElement("span");
      number.className = "editor__number";
      number.textContent = String(gutter.children.length + 1);
      gutter.appendChild(number);
    }
    while (gutter.children.length > count) {
      gutter.lastElementChild.remove();
    }
    const refused = problemLine();
    Array.from(gutter.children).forEach(function (number, index) {
      number.classList.toggle(PROBLEM_CLASS, index + 1 === refused);
    });
    gutter.scrollTop = textarea.scrollTop;
  }

  // The offset in the text of a 1-based line and 1-based position (counted in characters, as
  // the parser counts them; JavaScript strings count UTF-16 units).
  function offsetOf(text, line, position) {
    const lines = text.split("\n");
    let offset = 0;
    for (let index = 0; index < line - 1 && index < lines.length; index += 1) {
      offset += lines[index].length + 1;
    }
    if (line > lines.length) {
      return text.length;
    }
    const characters = Array.from(lines[line - 1]).slice(0, Math.max(position - 1, 0));
    return Math.min(offset + characters.join("").length, text.length);
  }

  function goToProblem(problem) {
    const textarea = document.querySelector(EDITOR);
    if (!textarea || !problem) {
      return;
    }
    const line = Number(problem.dataset.line);
    const start = offsetOf(textarea.value, line, Number(problem.dataset.position));
    const broken = Array.from(textarea.value.slice(start)).slice(0, Number(problem.dataset.length));
    textarea.focus();
    textarea.setSelectionRange(start, start + broken.join("").length);
    const lineHeight = parseFloat(window.getComputedStyle(textarea).lineHeight) || 20;
    textarea.scrollTop = Math.max(0, (line - 3) * lineHeight);
    renumber(textarea);
  }

  function setUp(root) {
    root.querySelectorAll(EDITOR).forEach(renumber);
    root.querySelectorAll("[data-goto-problem]").forEach(function (button) {
      button.hidden = false;
    });
  }

  function isExample(text, picker) {
    return Array.from(picker.querySelectorAll("option")).some(function (option) {
      return option.dataset.text === text;
    });
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches(EDITOR)) {
      renumber(event.target);
    }
  });

  // Scrolling does not bubble: listen in the capture phase.
  document.addEventListener(
    "scroll",
    function (event) {
      if (event.target.matches && event.target.matches(EDITOR)) {
        const gutter = gutterOf(event.target);
        if (gutter) {
          gutter.scrollTop = event.target.scrollTop;
        }
      }
    },
    true,
  );

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-goto-problem]");
    if (button) {
      goToProblem(button.closest("[data-template-problem]"));
    }
  });

  // Without JavaScript the picker reloads the page with ?example=; with it, the text is swapped
  // in place (keeping the name typed so far) and the preview follows through the input event.
  document.addEventListener("submit", function (event) {
    const picker = event.target.closest("[data-example-picker]");
    const textarea = document.querySelector(EDITOR);
    if (!picker || !textarea) {
      return;
    }
    event.preventDefault();
    const option = picker.querySelector("select").selectedOptions[0];
    const current = textarea.value;
    if (current.trim() && !isExample(current, picker)) {
      if (!window.confirm("Replace the template you wrote with this example?")) {
        return;
      }
    }
    textarea.value = option.dataset.text;
    textarea.scrollTop = 0;
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    textarea.focus();
  });

  document.body.addEventListener("htmx:afterSettle", function (event) {
    setUp(event.detail.elt);
    document.querySelectorAll(EDITOR).forEach(renumber);
    // After the backend refused the submitted template (the form itself was swapped, not only
    // the preview), select the part it points to.
    const elt = event.detail.elt;
    if (elt.matches && elt.matches("form[data-refused]")) {
      goToProblem(elt.querySelector("[data-template-problem]"));
    }
  });

  setUp(document);
  const refused = document.querySelector("[data-refused] [data-template-problem]");
  if (refused) {
    goToProblem(refused);
  }
})();
