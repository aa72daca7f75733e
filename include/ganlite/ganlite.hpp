// ganlite/ganlite.hpp — everything: tensors, kernels, layers, losses, Adam, Sequential, the seed
// DCGAN and classifier builders, weight files, batch classification. Header-only, C++17,
// namespace ganlite. Opt-in extras with heavier dependencies are included separately:
// <ganlite/eval/metrics.hpp> (Inception Score, FID; Eigen), <ganlite/io/idx.hpp>,
// <ganlite/io/image.hpp> (stb), <ganlite/io/gif.hpp> (giflib), <ganlite/train/checkpoint.hpp>.
#pragma once
#include "tensor.hpp"
#include "rng.hpp"
#include "kernels/parallel.hpp"
#include "kernels/gemm.hpp"
#include "kernels/im2col.hpp"
#include "kernels/conv_gemm.hpp"
#include "kernels/reduce.hpp"
#include "layers/layer.hpp"
#include "layers/init.hpp"
#include "layers/dense.hpp"
#include "layers/batchnorm.hpp"
#include "layers/activations.hpp"
#include "layers/dropout.hpp"
#include "layers/reshape.hpp"
#include "layers/conv2d.hpp"
#include "layers/conv2d_transpose.hpp"
#include "layers/maxpool2d.hpp"
#include "losses/bce_with_logits.hpp"
#include "losses/softmax_cross_entropy.hpp"
#include "optim/adam.hpp"
#include "models/sequential.hpp"
#include "models/model_average.hpp"
#include "models/dcgan.hpp"
#include "models/classifier.hpp"
#include "io/binary_file.hpp"
#include "io/weights.hpp"
#include "eval/classify.hpp"
