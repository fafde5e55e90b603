# IPython configuration of the notebook kernels that build the website (scripts/build.sh
# copies it into a temporary IPYTHONDIR as profile_default/ipython_kernel_config.py).
# Figures are drawn at twice their pixel size, so they stay sharp on 2x screens and when a
# phone reader zooms in, and their text is larger than matplotlib's 10 pt, so the labels stay
# legible when a figure is shrunk to a phone's column. JupyterLab and the tests are unaffected.
c = get_config()  # noqa: F821 - IPython provides get_config to configuration files
c.InlineBackend.figure_formats = {"retina"}
c.InlineBackend.rc = {
    "font.size": 13,
    "axes.titlesize": 14,
    "axes.labelsize": 13,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
}
