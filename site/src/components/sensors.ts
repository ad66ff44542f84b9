import { PointerSensor, type PointerActivationConstraint } from "@dnd-kit/core";

type PointerActivator = (typeof PointerSensor.activators)[number];

/**
 * The pointer sensor for mouse and pen only. Touch goes to the TouchSensor,
 * whose press-and-hold delay leaves a finger free to scroll the board; without
 * this split both sensors would react to the same touch.
 */
export class MouseAndPenSensor extends PointerSensor {
  static override activators: PointerActivator[] = [
    {
      eventName: "onPointerDown",
      handler: ({ nativeEvent: event }, { onActivation }) => {
        if (!event.isPrimary || event.button !== 0 || event.pointerType === "touch") return false;
        onActivation?.({ event });
        return true;
      },
    },
  ];
}

/** A few pixels of travel before a drag starts, so a click on the card's title still opens it. */
export const POINTER_ACTIVATION: PointerActivationConstraint = { distance: 6 };
/** Press and hold on touch screens; moving sooner scrolls instead. */
export const TOUCH_ACTIVATION: PointerActivationConstraint = { delay: 250, tolerance: 8 };
