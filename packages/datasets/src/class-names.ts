/**
 * Fashion-MNIST's class names by label, as torchvision names them: `FashionMNIST.classes` (from
 * `@tsgrad/datasets/node`), here without any file code, for pages that show predictions.
 */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
]);
