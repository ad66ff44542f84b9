import { TASKS_API_IMAGE_DIGEST_VARIABLE } from "../stacks/environment-stack";

/**
 * Values for the stacks' input variables in an offline plan. The deploy
 * pipeline supplies the real ones; these only need to pass validation.
 */
export const OFFLINE_VARIABLE_VALUES: Readonly<Record<string, string>> = {
  [TASKS_API_IMAGE_DIGEST_VARIABLE]: `sha256:${"0".repeat(64)}`,
};
