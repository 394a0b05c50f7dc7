// Runs storage read-modify-write tasks one after another within one worker, so two
// listeners firing together cannot overwrite each other's update.
export function serializer() {
  let tail = Promise.resolve();
  return function serialized(task) {
    const result = tail.then(task);
    tail = result.catch(() => {});
    return result;
  };
}
