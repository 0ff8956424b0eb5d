// The placement editor: the scene with the cut-out person on a canvas; drag, wheel, sliders or keys move them.
// Positions use the server's convention (PersonPosition): centre x,y and height as fractions of the scene, degrees clockwise.

function loadImg(src) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('the image could not be shown by the browser'));
    img.src = src;
  });
}

export class PlacementCanvas {
  constructor(canvas, onMoved) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.onMoved = onMoved;
    this.scene = null;
    this.background = '#f2f2f2';
    this.person = null;
    this.auto = null;
    this.pos = { x: 0.5, y: 0.6, scale: 0.8, rotation: 0 };
    this.moved = false;
    this.drag = null;
    canvas.addEventListener('pointerdown', e => this.down(e));
    canvas.addEventListener('pointermove', e => this.move(e));
    canvas.addEventListener('pointerup', e => this.up(e));
    canvas.addEventListener('pointercancel', e => this.up(e));
    canvas.addEventListener('wheel', e => this.wheel(e), { passive: false });
    canvas.addEventListener('keydown', e => this.key(e));
    canvas.addEventListener('focus', () => this.draw());
    canvas.addEventListener('blur', () => this.draw());
  }

  async setScene(url) {
    this.scene = await loadImg(url);
    const w = Math.min(960, this.scene.naturalWidth);
    this.canvas.width = w;
    this.canvas.height = Math.round(w * this.scene.naturalHeight / this.scene.naturalWidth);
    this.draw();
  }

  setColour(colour) {
    this.scene = null;
    this.background = colour;
    this.canvas.width = 640;
    this.canvas.height = 640;
    this.draw();
  }

  async setPerson(dataUrl, width, height, placement) {
    this.person = await loadImg(dataUrl);
    this.aspect = width / height;
    this.auto = placement ? { x: placement.x, y: placement.y, scale: placement.scale, rotation: placement.rotation } : null;
    this.reset();
  }

  clearPerson() { this.person = null; this.auto = null; this.moved = false; this.draw(); }

  reset() {
    if (this.auto) this.pos = { ...this.auto };
    this.moved = false;
    this.draw();
  }

  update(change) {
    Object.assign(this.pos, change);
    this.pos.scale = Math.min(4, Math.max(0.05, this.pos.scale));
    this.pos.rotation = Math.min(45, Math.max(-45, this.pos.rotation));
    this.pos.x = Math.min(1.2, Math.max(-0.2, this.pos.x));
    this.pos.y = Math.min(1.5, Math.max(-0.5, this.pos.y));
    this.moved = true;
    this.draw();
  }

  placementText() {
    const p = this.pos;
    return [p.x, p.y, p.scale].map(v => v.toFixed(4)).join(',') + ',' + p.rotation.toFixed(1);
  }

  box() {
    const { width: W, height: H } = this.canvas;
    const h = this.pos.scale * H;
    return { cx: this.pos.x * W, cy: this.pos.y * H, w: h * this.aspect, h };
  }

  draw() {
    const { ctx, canvas } = this;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (this.scene) ctx.drawImage(this.scene, 0, 0, canvas.width, canvas.height);
    else { ctx.fillStyle = this.background; ctx.fillRect(0, 0, canvas.width, canvas.height); }
    if (!this.person) return;
    if (!this.auto) {
      // A colour background keeps the photo's framing: show the cut-out fitted to the canvas.
      const s = Math.min(canvas.width / this.person.naturalWidth, canvas.height / this.person.naturalHeight);
      const w = this.person.naturalWidth * s, h = this.person.naturalHeight * s;
      ctx.drawImage(this.person, (canvas.width - w) / 2, canvas.height - h, w, h);
      return;
    }
    const b = this.box();
    ctx.translate(b.cx, b.cy);
    ctx.rotate(this.pos.rotation * Math.PI / 180);
    ctx.drawImage(this.person, -b.w / 2, -b.h / 2, b.w, b.h);
    if (this.drag || document.activeElement === canvas) {
      ctx.setLineDash([8, 6]);
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#1a73e8';
      ctx.strokeRect(-b.w / 2, -b.h / 2, b.w, b.h);
    }
  }

  point(e) {
    const r = this.canvas.getBoundingClientRect();
    return { x: (e.clientX - r.left) * this.canvas.width / r.width, y: (e.clientY - r.top) * this.canvas.height / r.height };
  }

  down(e) {
    if (!this.person || !this.auto) return;
    const p = this.point(e);
    const b = this.box();
    this.drag = { dx: p.x - b.cx, dy: p.y - b.cy };
    this.canvas.setPointerCapture(e.pointerId);
    this.canvas.focus();
    e.preventDefault();
  }

  move(e) {
    if (!this.drag) return;
    const p = this.point(e);
    this.update({ x: (p.x - this.drag.dx) / this.canvas.width, y: (p.y - this.drag.dy) / this.canvas.height });
    this.onMoved?.();
  }

  up(e) {
    if (!this.drag) return;
    this.drag = null;
    this.canvas.releasePointerCapture?.(e.pointerId);
    this.draw();
  }

  wheel(e) {
    if (!this.person || !this.auto) return;
    e.preventDefault();
    this.update({ scale: this.pos.scale * (e.deltaY < 0 ? 1.05 : 1 / 1.05) });
    this.onMoved?.();
  }

  key(e) {
    if (!this.person || !this.auto) return;
    const step = e.shiftKey ? 0.05 : 0.01;
    const change = {
      ArrowLeft: { x: this.pos.x - step }, ArrowRight: { x: this.pos.x + step },
      ArrowUp: { y: this.pos.y - step }, ArrowDown: { y: this.pos.y + step },
      '+': { scale: this.pos.scale * 1.05 }, '=': { scale: this.pos.scale * 1.05 }, '-': { scale: this.pos.scale / 1.05 },
      '[': { rotation: this.pos.rotation - 2 }, ']': { rotation: this.pos.rotation + 2 },
    }[e.key];
    if (!change) return;
    e.preventDefault();
    this.update(change);
    this.onMoved?.();
  }
}
