// The original runtime of a tfjs graph model, for the build's conversion check:
// node tfjs_reference.js MODEL_JSON WEIGHTS_BIN INPUT_F32 N OUT_F32 NODE[,NODE...]
// INPUT_F32: N square RGB images, NHWC float32; OUT_F32: the named nodes' outputs, concatenated.
// Needs NODE_PATH holding @tensorflow/tfjs-core, -backend-cpu, -converter (facegate/model_build/tfjs_runtime.py).
const fs = require('fs');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const tfc = require('@tensorflow/tfjs-converter');
const [modelJson, weightsBin, inputPath, n, outPath, names] = process.argv.slice(2);
(async () => {
  await tf.setBackend('cpu');
  const spec = JSON.parse(fs.readFileSync(modelJson));
  const bin = fs.readFileSync(weightsBin);
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  const model = await tfc.loadGraphModel(tf.io.fromMemory({modelTopology: spec.modelTopology, weightSpecs: spec.weightsManifest[0].weights, weightData}));
  const raw = fs.readFileSync(inputPath);
  const data = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const count = parseInt(n); const side = Math.round(Math.sqrt(data.length / count / 3));
  const input = tf.tensor4d(data, [count, side, side, 3]);
  const outs = model.execute(input, names.split(','));
  const parts = (Array.isArray(outs) ? outs : [outs]).map(t => Buffer.from(t.dataSync().buffer));
  fs.writeFileSync(outPath, Buffer.concat(parts));
})().catch(e => { console.error(e); process.exit(1); });
