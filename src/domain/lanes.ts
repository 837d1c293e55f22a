/** @module Lanes: the task lists of a container, named by key. */

/** Every foreach iteration runs the same task list: one lane definition for all of them. */
export const ITERATION_LANE = '*'
