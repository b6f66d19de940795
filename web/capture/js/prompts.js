// The challenge's actions, one at a time in order, in words and with an icon. The words name the
// customer's own left or right; the arrow shows where the head moves in the preview, so it honours
// `mirrored`: in a mirrored (front camera) preview a turn to the customer's right moves right on screen.
export function promptAt(elapsed, actions, leadSeconds, clipSeconds) {
  if (elapsed < leadSeconds) return "look";
  const share = (clipSeconds - leadSeconds) / actions.length;
  return actions[Math.min(actions.length - 1, Math.floor((elapsed - leadSeconds) / share))];
}

export function showPrompt(element, step, mirrored, setText) {
  const turn = step.startsWith("turn_");
  const towardsRight = (step === "turn_right") === mirrored;
  element.dataset.action = step;
  if (turn) element.dataset.direction = towardsRight ? "right" : "left";
  else delete element.dataset.direction;
  element.querySelector("use").setAttribute("href", turn ? "#icon-turn" : `#icon-${step}`);
  setText(element.querySelector(".words"), `action.${step}`);
}
