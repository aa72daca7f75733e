// ganlite/ganlite.hpp — the whole library that needs nothing beyond the C++ standard library,
// OpenMP and zlib: tensors, kernels, layers, losses, Adam, Sequential, the seed DCGAN and
// classifier builders, the GAN trainer and its training loop, checkpoints and weights files, run
// folders and the run's parts (loss log, progress line, report page, resume checks, checkpoint
// averaging), the communicator seam for data-parallel training, IDX data. Header-only, C++17,
// namespace ganlite.
//
// Left out, because each brings a dependency of its own; include them where you need them:
//   <ganlite/eval/metrics.hpp>        Inception Score and FID (Eigen)
//   <ganlite/io/image.hpp>            PNG grids and image files (stb)
//   <ganlite/io/gif.hpp>              the training GIF (giflib, stb)
//   <ganlite/train/gan_run.hpp>       a whole run in a run folder, with its grids and GIF
//                                     (epoch_pictures.hpp; stb, giflib)
//   <ganlite/dist/mpi_communicator.hpp>  training over Open MPI processes (MPI)
//   <ganlite/testing/grad_check.hpp>  the gradient checker for your own layers (no dependency;
//                                     left out because only tests need it)
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
#include "layers/spectral_norm.hpp"
#include "losses/bce_with_logits.hpp"
#include "losses/softmax_cross_entropy.hpp"
#include "losses/vae_terms.hpp"
#include "optim/adam.hpp"
#include "models/sequential.hpp"
#include "models/model_average.hpp"
#include "models/dcgan.hpp"
#include "models/classifier.hpp"
#include "models/vae.hpp"
#include "dist/communicator.hpp"
#include "dist/agreement.hpp"
#include "dist/shards.hpp"
#include "io/binary_file.hpp"
#include "io/archive.hpp"
#include "io/weights.hpp"
#include "io/idx.hpp"
#include "io/svg_plot.hpp"
#include "eval/classify.hpp"
#include "train/gan_objective.hpp"
#include "train/conditioning.hpp"
#include "train/gan_trainer.hpp"
#include "train/dcgan_trainer.hpp"
#include "train/dcgan_recipe.hpp"
#include "train/vae_trainer.hpp"
#include "train/augment.hpp"
#include "train/batch_source.hpp"
#include "train/training_loop.hpp"
#include "train/run_position.hpp"
#include "train/loss_log.hpp"
#include "train/progress_line.hpp"
#include "train/run_page.hpp"
#include "train/run_checkpoints.hpp"
#include "train/checkpoint_average.hpp"
#include "train/stop_signal.hpp"
#include "train/checkpoint.hpp"
#include "train/gan_checkpoint.hpp"
#include "train/inspect.hpp"
#include "train/dcgan_generator.hpp"
#include "train/run_folder.hpp"
#include "train/run_outputs.hpp"
#include "report/report_page.hpp"
#include "report/run_report.hpp"
