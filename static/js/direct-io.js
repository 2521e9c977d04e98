// Hanami Portal, Try-it page: the 28×28 drawing canvas. It turns a drawing into 784 pixel values
// of 0..255 (centred like MNIST digits) and sends them over the page's htmx websocket; the portal
// answers with rendered fragments that htmx swaps in. The form of values needs no script.
"use strict";

(function () {
  const root = document.querySelector("[data-direct-io]");
  const canvas = document.getElementById("digit-canvas");
  if (!root || !canvas) {
    return;
  }
  const SIDE = 28; // the picture the cluster gets
  const BOX = 20; // MNIST fits a digit into 20×20 pixels, centred by its centre of mass
  const STROKE = 22; // pen width on the 280×280 canvas
  const SEND_EVERY_MS = 80; // live requests while drawing, at most this often
  const seen = document.getElementById("digit-seen");
  const outputs = document.getElementById("direct-outputs");
  const hint = document.getElementById("outputs-hint");
  const inputName = root.dataset.input;
  const outputName = root.dataset.output;
  const pen = canvas.getContext("2d", { willReadFrequently: true });
  let socket = null;
  let pending = 0; // messages sent whose reply has not come yet
  let dirty = false; // the drawing changed since the last request was sent
  let drawing = false;
  let inked = false;
  let last = null;
  let lastSent = 0;
  let driving = false; // this page drives the cluster (the portal said "ready")

  pen.lineCap = "round";
  pen.lineJoin = "round";
  pen.lineWidth = STROKE;
  pen.strokeStyle = "#000";

  function point(event) {
    const box = canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) * canvas.width) / box.width,
      y: ((event.clientY - box.top) * canvas.height) / box.height,
    };
  }

  // The ink's bounding box in the canvas, or null when nothing is drawn.
  function inkBox(alpha, width, height) {
    let left = width;
    let top = height;
    let right = -1;
    let bottom = -1;
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        if (alpha[(y * width + x) * 4 + 3] > 0) {
          left = Math.min(left, x);
          right = Math.max(right, x);
          top = Math.min(top, y);
          bottom = Math.max(bottom, y);
        }
      }
    }
    return right < 0 ? null : { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
  }

  // The drawing as MNIST stores digits: ink 0..255 on 0, scaled into 20×20, centre of mass in the
  // middle of 28×28. Null when the canvas is empty.
  function pixels() {
    const full = pen.getImageData(0, 0, canvas.width, canvas.height).data;
    const box = inkBox(full, canvas.width, canvas.height);
    if (!box) {
      return null;
    }
    const scale = BOX / Math.max(box.width, box.height);
    const small = document.createElement("canvas");
    small.width = SIDE;
    small.height = SIDE;
    const brush = small.getContext("2d", { willReadFrequently: true });
    const width = box.width * scale;
    const height = box.height * scale;
    const place = function (dx, dy) {
      brush.clearRect(0, 0, SIDE, SIDE);
      brush.drawImage(canvas, box.x, box.y, box.width, box.height,
        (SIDE - width) / 2 + dx, (SIDE - height) / 2 + dy, width, height);
      return brush.getImageData(0, 0, SIDE, SIDE).data;
    };
    let data = place(0, 0);
    let mass = 0;
    let sumX = 0;
    let sumY = 0;
    for (let i = 0; i < SIDE * SIDE; i += 1) {
      const ink = data[i * 4 + 3];
      mass += ink;
      sumX += ink * (i % SIDE);
      sumY += ink * Math.floor(i / SIDE);
    }
    const middle = (SIDE - 1) / 2;
    data = place(Math.round(middle - sumX / mass), Math.round(middle - sumY / mass));
    const values = [];
    for (let i = 0; i < SIDE * SIDE; i += 1) {
      values.push(data[i * 4 + 3]);
    }
    return values;
  }

  function showSeen(values) {
    const view = seen.getContext("2d");
    const image = view.createImageData(SIDE, SIDE);
    for (let i = 0; i < SIDE * SIDE; i += 1) {
      const shade = 255 - (values ? values[i] : 0);
      image.data.set([shade, shade, shade, 255], i * 4);
    }
    view.putImageData(image, 0, 0);
  }

  function send(message) {
    if (!socket) {
      return false;
    }
    pending += 1;
    socket.send(JSON.stringify(message));
    return true;
  }

  // Ask for the outputs of the drawing as it is now, unless a reply is still on its way.
  function request() {
    if (pending > 0) {
      dirty = true;
      return;
    }
    const values = pixels();
    showSeen(values);
    dirty = false;
    if (values) {
      lastSent = Date.now();
      send({ kind: "request", inputs: { [inputName]: values } });
    }
  }

  function teach(digit) {
    const values = pixels();
    if (!values) {
      return;
    }
    const expected = [];
    for (let i = 0; i < 10; i += 1) {
      expected.push(i === digit ? 1 : 0);
    }
    if (send({ kind: "train", inputs: { [inputName]: values }, expected: { [outputName]: expected } })) {
      send({ kind: "request", inputs: { [inputName]: values } });
    }
  }

  function clear() {
    pen.clearRect(0, 0, canvas.width, canvas.height);
    inked = false;
    dirty = false;
    showSeen(null);
    if (hint) {
      outputs.replaceChildren(hint.content.cloneNode(true));
    }
  }

  // Drawing and teaching only while this page drives the cluster: not while connecting, nor
  // once another browser has it or the session has ended.
  function setDriving(on) {
    driving = on;
    root.classList.toggle("direct-io--idle", !on);
    canvas.setAttribute("aria-disabled", String(!on));
    root.querySelectorAll("[data-teach]").forEach(function (button) {
      button.disabled = !on;
    });
  }

  canvas.addEventListener("pointerdown", function (event) {
    if (!driving) {
      return;
    }
    drawing = true;
    last = point(event);
    canvas.setPointerCapture(event.pointerId);
    pen.beginPath();
    pen.arc(last.x, last.y, STROKE / 2, 0, 2 * Math.PI);
    pen.fill();
    inked = true;
    event.preventDefault();
  });

  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) {
      return;
    }
    const next = point(event);
    pen.beginPath();
    pen.moveTo(last.x, last.y);
    pen.lineTo(next.x, next.y);
    pen.stroke();
    last = next;
    if (Date.now() - lastSent >= SEND_EVERY_MS) {
      request();
    } else {
      dirty = true;
    }
  });

  function stop() {
    if (drawing) {
      drawing = false;
      request();
    }
  }
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);

  root.querySelector("[data-clear]").addEventListener("click", clear);
  root.querySelectorAll("[data-teach]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (inked) {
        teach(Number(button.dataset.teach));
      }
    });
  });

  root.addEventListener("htmx:wsOpen", function (event) {
    socket = event.detail.socketWrapper;
    pending = 0;
  });
  root.addEventListener("htmx:wsClose", function () {
    socket = null;
    setDriving(false);
  });
  // Each message the page sends gets exactly one reply (it carries data-reply).
  root.addEventListener("htmx:wsAfterMessage", function (event) {
    const message = String(event.detail.message);
    const state = /data-state="(\w+)"/.exec(message);
    if (state) {
      setDriving(state[1] === "ready");
    }
    if (message.indexOf("data-reply") === -1) {
      return;
    }
    pending = Math.max(pending - 1, 0);
    if (pending === 0 && dirty) {
      request();
    }
  });

  showSeen(null);
  setDriving(false);
})();
