// Moderation queue: "select all" ticks every item checkbox that belongs to the bulk form.
document.addEventListener("DOMContentLoaded", () => {
  const all = document.getElementById("select-all");
  if (!all) return;
  all.addEventListener("change", () => {
    document.querySelectorAll('input[type="checkbox"][name="items"]').forEach((box) => {
      box.checked = all.checked;
    });
  });
});
